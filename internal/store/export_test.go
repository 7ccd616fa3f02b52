package store

// InboxCountSQL and InboxPageSQL are the inbox's two queries, for the EXPLAIN tests.
func InboxCountSQL(where string) string { return inboxCountSQL(where) }
func InboxPageSQL(where string) string  { return inboxPageSQL(where, "100", "0") }

// InboxUnitsPageSQL is the page of a whole unit's inbox ($4 limit, $5 offset), and
// InboxDayCountSQL its counts.
func InboxUnitsPageSQL(where string) string { return inboxUnitsPageSQL(where, "$4", "$5") }

const InboxDayCountSQL = inboxDayCountSQL

// InboxUnitsSearchCountSQL is the capped count of a search by name, unit by unit.
func InboxUnitsSearchCountSQL(where string) string { return inboxUnitsSearchCountSQL(where) }
