-- Harlequin's start-up script (scripts/sql.py): the marts are the default schema.
use marts;
