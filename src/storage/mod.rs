//! The only module that touches SQLite: schema, versioned migrations, queries.
