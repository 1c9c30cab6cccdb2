//! The single command service the app and batch tools go through. It knows the
//! acting operator, so access control and the audit log live in one place.
