//! Data files: the comuni with their patron days and the dated rule sets. Built-in
//! copies are compiled in from `assets/`; an administrator may add or override
//! files in a directory without a rebuild. This module does the reading; the rules
//! themselves receive parsed values and never touch files.
