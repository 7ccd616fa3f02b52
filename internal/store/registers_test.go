package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/internal/store"
	"motcua/internal/store/storetest"
)

func vnAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, motcua.Vietnam)
}

func incoming(key string, at time.Time, channel string) store.IncomingEntry {
	e := store.IncomingEntry{Key: key, RegisteredAt: at, Channel: channel, IssuerName: "Văn phòng Chính phủ",
		CodeNumber: "12", CodeNotation: "VPCP-KSTT", TypeName: "Công văn", Subject: "Về việc rà soát thủ tục hành chính",
		IssuedOn: at.AddDate(0, 0, -1)}
	if channel == store.ChannelElectronic {
		e.IssuerID, e.DocumentID, e.AxisMessageID = "000.00.00.G01", "000.00.00.G01,2026/12/01,12/VPCP-KSTT", "axis-"+key
	}
	return e
}

// TestFiftyConcurrentIncomingRegistrationsHaveNoGapNorDuplicate: 50 registrations at
// once, paper and electronic, take the numbers 1 to 50 of one sequence; 10 more that
// retry an axis message under another key allocate a number, fail on the message's
// uniqueness and roll it back, leaving no gap.
func TestFiftyConcurrentIncomingRegistrationsHaveNoGapNorDuplicate(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	at := vnAt(2026, time.March, 2, 9, 0)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		numbers []int
		errs    []error
	)
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			channel := store.ChannelPaper
			if i%2 == 0 {
				channel = store.ChannelElectronic
			}
			e := incoming(fmt.Sprintf("k%d", i), at, channel)
			if i >= 50 { // the same axis message as registration i-50 (even: electronic), another key
				e = incoming(fmt.Sprintf("k%d", (i-50)*2), at, store.ChannelElectronic)
				e.Key = fmt.Sprintf("retry%d", i)
			}
			got, err := st.RegisterIncoming(ctx, e)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if i < 50 {
				numbers = append(numbers, got.Number)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	slices.Sort(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("numbers %v: want 1..50 without gap or duplicate", numbers)
		}
	}
	reg, err := st.IncomingRegister(ctx, 2026)
	if err != nil || len(reg) != 50 || reg[49].Number != 50 {
		t.Fatalf("register: %d rows, %v", len(reg), err)
	}
	next, err := st.RegisterIncoming(ctx, incoming("after", at, store.ChannelPaper))
	if err != nil || next.Number != 51 {
		t.Fatalf("next number %d, %v: the rolled-back retries left a gap", next.Number, err)
	}
}

// TestIncomingNumbersRestartOnFirstJanuaryVietnamTime: 23:59 on 31 December and 00:01
// on 1 January, Vietnam time, fall on the same UTC day, yet in two register years.
func TestIncomingNumbersRestartOnFirstJanuaryVietnamTime(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	for i, tc := range []struct {
		at         time.Time
		year, want int
	}{
		{vnAt(2026, time.December, 31, 8, 0), 2026, 1},
		{vnAt(2026, time.December, 31, 23, 59), 2026, 2},
		{vnAt(2027, time.January, 1, 0, 1), 2027, 1},
		{vnAt(2027, time.January, 1, 0, 2), 2027, 2},
	} {
		got, err := st.RegisterIncoming(ctx, incoming(fmt.Sprint("k", i), tc.at, store.ChannelPaper))
		if err != nil {
			t.Fatal(err)
		}
		if got.Year != tc.year || got.Number != tc.want {
			t.Errorf("%s: year %d number %d, want %d/%d", tc.at, got.Year, got.Number, tc.year, tc.want)
		}
	}
	if a, b := vnAt(2026, time.December, 31, 23, 59).UTC(), vnAt(2027, time.January, 1, 0, 1).UTC(); a.YearDay() != b.YearDay() {
		t.Fatal("the two registrations should share a UTC day, or the test proves nothing")
	}
	// The outgoing register restarts likewise.
	for i, tc := range []struct {
		at         time.Time
		year, want int
	}{
		{vnAt(2026, time.December, 31, 23, 59), 2026, 1},
		{vnAt(2027, time.January, 1, 0, 1), 2027, 1},
	} {
		got, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing(fmt.Sprint("o", i), tc.at, "", "BNV-VP"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Year != tc.year || got.Number != tc.want {
			t.Errorf("outgoing %s: year %d number %d, want %d/%d", tc.at, got.Year, got.Number, tc.year, tc.want)
		}
	}
}

func outgoing(key string, at time.Time, series, symbol string) store.OutgoingEntry {
	return store.OutgoingEntry{Key: key, Series: series, Symbol: symbol, RegisteredAt: at, TypeName: "Công văn",
		Subject: "Về việc phối hợp", Signer: "Nguyễn Văn A", Recipients: "Như trên"}
}

func TestRetriedRegistrationKeepsItsNumber(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	at := vnAt(2026, time.December, 31, 23, 59)
	first, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("wf/act-1", at, "", "BNV-VP"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != 1 || first.DocumentID != "000.00.00.G09,2026/12/31,01/BNV-VP" || first.IssuedOn.Format("2006-01-02") != "2026-12-31" {
		t.Fatalf("first %+v", first)
	}
	again, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("wf/act-1", at.Add(time.Hour), "", "BNV-VP"))
	if err != nil || again.Number != 1 || again.ID != first.ID || again.Year != 2026 {
		t.Fatalf("retry %+v %v", again, err)
	}
	in1, err := st.RegisterIncoming(ctx, incoming("in/1", at, store.ChannelElectronic))
	if err != nil {
		t.Fatal(err)
	}
	in2, err := st.RegisterIncoming(ctx, incoming("in/1", at, store.ChannelElectronic))
	if err != nil || in2.ID != in1.ID || in2.Number != in1.Number {
		t.Fatalf("incoming retry %+v %v", in2, err)
	}
	dups, err := st.IncomingByDocument(ctx, "000.00.00.G01", "000.00.00.G01,2026/12/01,12/VPCP-KSTT")
	if err != nil || len(dups) != 1 || dups[0].AxisMessageID != "axis-in/1" || dups[0].IssuedOn.Format("2006-01-02") != "2026-12-30" {
		t.Fatalf("by document %+v %v", dups, err)
	}
}

// TestOutgoingNumberAndSymbolAreUniqueInAYear: a separate series (secret documents)
// numbers from 01 too, but may not give a number and symbol already given that year.
func TestOutgoingNumberAndSymbolAreUniqueInAYear(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	at := vnAt(2026, time.June, 1, 10, 0)
	if _, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("a", at, "", "BNV-VP")); err != nil {
		t.Fatal(err)
	}
	secret, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("b", at, "mat", "BNV-M"))
	if err != nil || secret.Number != 1 {
		t.Fatalf("secret series %+v %v", secret, err)
	}
	_, err = st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("c", at, "other", "BNV-VP"))
	if motcua.ErrorCode(err) != motcua.ECONFLICT {
		t.Fatalf("number and symbol given twice in a year: %v", err)
	}
	next, err := st.RegisterOutgoing(ctx, "000.00.00.G09", outgoing("d", at, "", "BNV-VP"))
	if err != nil || next.Number != 2 {
		t.Fatalf("after a refused registration: %+v %v", next, err)
	}
	reg, err := st.OutgoingRegister(ctx, 2026)
	if err != nil || len(reg) != 3 {
		t.Fatalf("register %d %v", len(reg), err)
	}
	if _, err := st.RegisterIncoming(ctx, store.IncomingEntry{Key: "x", RegisteredAt: at, Channel: "fax", IssuerName: "a", Subject: "b"}); motcua.ErrorCode(err) != motcua.EINVALID {
		t.Fatalf("bad channel: %v", err)
	}
}
