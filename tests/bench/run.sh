#!/bin/sh
# placeholder
echo "make bench: not written yet" >&2
exit 1
