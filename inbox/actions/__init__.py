"""Every state change of the desk: DB work in one transaction, events after commit."""
