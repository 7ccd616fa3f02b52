package store_test

import (
	"context"
	"testing"

	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

// TestDraftTokenChangesOnlyWithTheAnswers: saving the same answers keeps the draft's
// token (a retried submission is the same one); new answers get a new token, so a check
// page showing the old ones cannot submit them.
func TestDraftTokenChangesOnlyWithTheAnswers(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewSeeded(t)
	u, err := st.CheckPassword(ctx, "congdan1", store.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.SaveDraft(ctx, u.UserID, "G09.CVTLT.02", map[string]any{"fullName": "Trần Văn Minh"})
	if err != nil {
		t.Fatal(err)
	}
	same, _ := st.SaveDraft(ctx, u.UserID, "G09.CVTLT.02", map[string]any{"fullName": "Trần Văn Minh"})
	if same.Token != first.Token {
		t.Errorf("saving the same answers changed the token")
	}
	changed, _ := st.SaveDraft(ctx, u.UserID, "G09.CVTLT.02", map[string]any{"fullName": "Trần Văn Mạnh"})
	if changed.Token == first.Token {
		t.Errorf("new answers kept the token")
	}
	got, ok, err := st.DraftOf(ctx, u.UserID, "G09.CVTLT.02")
	if err != nil || !ok || got.Token != changed.Token || got.Data["fullName"] != "Trần Văn Mạnh" {
		t.Errorf("draft read back: %+v %v %v", got, ok, err)
	}
	if err := st.DeleteDraft(ctx, u.UserID, "G09.CVTLT.02", first.Token); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.DraftOf(ctx, u.UserID, "G09.CVTLT.02"); !ok {
		t.Error("deleting with an old token removed the newer draft")
	}
}
