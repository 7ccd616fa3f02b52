package store_test

import (
	"context"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestInboxFollowsTheDossiersAppointment: the inbox orders and buckets open tasks by
// their dossier's appointment (before receipt, by the intake step's due time). The
// appointment is copied onto the tasks by triggers (migration 0003); this checks the
// copy through the functions that write dossiers and tasks: a new task takes the
// dossier's appointment, and open tasks follow it when it moves.
func TestInboxFollowsTheDossiersAppointment(t *testing.T) {
	s := storetest.NewSeeded(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC) // Monday, 09:00 in Vietnam
	code := sampleDossiers(t, s, at, 1)[0]
	seq := 0
	record := func(tr motcua.Transition) {
		t.Helper()
		seq++
		tr.Code, tr.Seq, tr.At = code, seq, at.Add(time.Duration(seq)*time.Hour)
		if _, err := s.RecordTransition(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	now := at.Add(10 * 24 * time.Hour)
	inbox := func(unit string, status motcua.Status) store.InboxPage {
		t.Helper()
		page, err := s.Inbox(ctx, store.InboxFilter{UnitPath: "/G09/" + unit + "/", Status: status, Now: now, Soon: now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	day := func(d int) *time.Time { v := at.AddDate(0, 0, d); return &v }

	// Before receipt: the intake step's due time.
	record(motcua.Transition{Action: "assign", Status: motcua.StatusSubmitted, HolderUnit: "VP", Step: "tiep-nhan",
		OpenTask: &motcua.TaskSpec{Step: "tiep-nhan", UnitCode: "VP", DueAt: day(1), BudgetMinutes: 240}})
	if p := inbox("VP", ""); len(p.Items) != 1 || !p.Items[0].DueAt.Equal(*day(1)) || p.Counts.Overdue != 1 {
		t.Fatalf("desk before receipt: %+v", p)
	}

	// Received: the appointment, not the step's due time, on the next unit's task.
	record(motcua.Transition{Action: "receive", Status: motcua.StatusReceived, ReceivedAt: day(0), DueAt: day(12), DueOriginal: day(12)})
	record(motcua.Transition{Action: "transfer", Status: motcua.StatusInReview, HolderUnit: "TCPCP", Step: "tham-dinh",
		CloseTasks: true, OpenTask: &motcua.TaskSpec{Step: "tham-dinh", UnitCode: "TCPCP", DueAt: day(8), BudgetMinutes: 2400}})
	if p := inbox("VP", ""); len(p.Items) != 0 || p.Counts.Total != 0 {
		t.Fatalf("desk after hand-over: %+v", p)
	}
	p := inbox("TCPCP", "")
	if len(p.Items) != 1 || !p.Items[0].DueAt.Equal(*day(12)) || !p.Items[0].StepDueAt.Equal(*day(8)) || p.Counts.OnTime != 1 {
		t.Fatalf("unit after hand-over: %+v", p)
	}

	// The appointment moves (an apology's new date): the open task follows.
	record(motcua.Transition{Action: "apologize", Status: motcua.StatusInReview, DueAt: day(10)})
	p = inbox("TCPCP", "")
	if len(p.Items) != 1 || !p.Items[0].DueAt.Equal(*day(10)) || p.Counts.DueSoon != 1 || p.Counts.Total != 1 {
		t.Fatalf("unit after the appointment moved: %+v", p)
	}

	// Filters that name the dossier's status still apply.
	if p := inbox("TCPCP", motcua.StatusInReview); len(p.Items) != 1 || p.Counts.Total != 1 {
		t.Errorf("filtered by in_review: %+v", p)
	}
	if p := inbox("TCPCP", motcua.StatusReceived); len(p.Items) != 0 || p.Counts.Total != 0 {
		t.Errorf("filtered by received: %+v", p)
	}
}
