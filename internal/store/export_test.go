package store

// InboxCountSQL and InboxPageSQL are the inbox's two queries, for the EXPLAIN tests.
func InboxCountSQL(where string) string { return inboxCountSQL(where) }
func InboxPageSQL(where string) string  { return inboxPageSQL(where, "100", "0") }
