// Peer of `dubanctl calc --batch` for tests/bench/calendar.sh: reads
// "YYYY-MM-DD +N workdays" lines from the file named by argv[2] and writes
// the N-th working day after each date, one a line, to argv[3], counting
// day by day with chinese-workday's isWorkday (the way an application
// using that package computes a working-day deadline).
import { readFileSync, writeFileSync } from 'node:fs';
import { isWorkday } from 'chinese-workday';

const DAY_MS = 86400000;

function ymd(ms) {
	const d = new Date(ms);
	const m = d.getUTCMonth() + 1, day = d.getUTCDate();
	return d.getUTCFullYear() + (m < 10 ? '-0' : '-') + m +
	    (day < 10 ? '-0' : '-') + day;
}

function plusWorkdays(date, n) {
	let ms = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1,
	    +date.slice(8, 10));
	let s;
	while (n > 0) {
		ms += DAY_MS;
		s = ymd(ms);
		if (isWorkday(s))
			n--;
	}
	return s;
}

const lines = readFileSync(process.argv[2], 'utf8').split('\n');
const out = [];
for (const line of lines) {
	if (line === '')
		continue;
	const [date, n] = line.split(' ');
	out.push(plusWorkdays(date, parseInt(n, 10)));
}
out.push('');
writeFileSync(process.argv[3], out.join('\n'));
