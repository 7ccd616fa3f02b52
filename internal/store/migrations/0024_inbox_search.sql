-- Issue 16: a search of the inbox by a name thousands of open dossiers share.
--
-- The trigram index (tasks_search_idx, 0015) finds a rare name, code or ID number at
-- once, but a common name matches thousands of open tasks, and each match was a visit
-- to the tasks table (10,000 heap pages for "tran thi dao" at 1,000,000 dossiers: about
-- 0.4 s). The inbox's own index now carries the search text, so that such a search is
-- an index-only scan in the inbox's order: each unit's first matches for the page, and
-- the count stops at its cap (Store.Inbox). The planner keeps the trigram index for a
-- selective search; TestInboxQueriesUseTheirIndexes checks both.
DROP INDEX tasks_inbox_idx;
CREATE INDEX tasks_inbox_idx ON tasks (unit_id, inbox_due, id) INCLUDE (search) WHERE state = 'open';
