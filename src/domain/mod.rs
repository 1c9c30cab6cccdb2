//! Domain types: household, members, analisi preliminare, progetto personalizzato.
