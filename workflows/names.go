// Package workflows holds motcua's Temporal workflows. Workflows are deterministic and
// do no I/O: they decide what happens next and ask activities to do it. Every change to
// a released workflow goes behind workflow.GetVersion and keeps the replay tests green.
package workflows

// TaskQueue is the task queue of motcua's worker.
const TaskQueue = "motcua"

// HousekeepingID is the workflow ID of the single housekeeping workflow.
const HousekeepingID = "housekeeping"
