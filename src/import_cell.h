/*
 * The responsibility cell of a work plan ("责任部门") read into one lead
 * office and the assisting ones: "综合处牵头、法规处", "人事处会药审中心、
 * 器审中心", "器械注册处、药品注册处".  Names are kept as written (groups
 * such as "各业务处" too): duband resolves names, aliases and groups.
 */
#ifndef DUBAN_IMPORT_CELL_H
#define DUBAN_IMPORT_CELL_H

#include <stdbool.h>
#include <stddef.h>

struct office_cell {
	char	 *lead;		/* NULL until a cell is parsed */
	char	**assist;	/* in the order written, without repeats */
	size_t	  nassist;
};

void office_cell_init(struct office_cell *);
/*
 * Reads a responsibility cell into an initialized oc.  On failure (no
 * office in the cell) writes why into err and returns false; oc is then
 * left as it was.
 */
bool office_cell_parse(struct office_cell *oc, const char *cell, char *err,
    size_t errlen);
/*
 * Adds every office of cell (a "配合" column) as assisting, except the
 * lead and those already there.  An empty cell adds nothing.
 */
void office_cell_add_assisting(struct office_cell *oc, const char *cell);
void office_cell_free(struct office_cell *);

#endif
