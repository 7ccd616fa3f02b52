package exchange_test

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkworker "go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"motcua/exchange"
	"motcua/internal/axis"
	"motcua/internal/signing/service"
	"motcua/internal/stacktest"
	"motcua/internal/store"
	"motcua/worker"
)

var update = flag.Bool("update", false, "record the exchange workflows' histories into ../workflows/testdata")

// replayKey is workflows' replay key (the same derivation as workflows/dossier_replay_test.go):
// the histories kept in workflows/testdata are encrypted with it.
var replayKey = func() []byte { k := sha256.Sum256([]byte("motcua replay histories")); return k[:] }()

// countingAxis wraps A's activities' transport and counts their Send calls by key, so
// the crash test can tell axis.SendOnce's reconciliation from the axis's own dedup.
type countingAxis struct {
	mu    sync.Mutex
	sends map[string]int
}

func (c *countingAxis) wrap(t axis.Transport) axis.Transport {
	return countedTransport{Transport: t, c: c}
}

func (c *countingAxis) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sends[key]
}

type countedTransport struct {
	axis.Transport
	c *countingAxis
}

func (t countedTransport) Send(ctx context.Context, req axis.SendRequest) (axis.SendResult, error) {
	t.c.mu.Lock()
	t.c.sends[req.Key]++
	t.c.mu.Unlock()
	return t.Transport.Send(ctx, req)
}

// recordHistory waits for the workflow to end, replays its history with today's code
// and, with -update, keeps it in workflows/testdata for workflows.TestReplayRecordedExchangeHistories.
func recordHistory(t *testing.T, s *stacktest.Stack, workflowID, file string) {
	t.Helper()
	ctx := context.Background()
	if err := s.Temporal.GetWorkflow(ctx, workflowID, "").Get(ctx, nil); err != nil {
		t.Fatalf("%s: %v", workflowID, err)
	}
	it := s.Temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	r, err := sdkworker.NewWorkflowReplayerWithOptions(sdkworker.WorkflowReplayerOptions{DataConverter: s.Codec.DataConverter()})
	if err != nil {
		t.Fatal(err)
	}
	worker.RegisterWorkflows(r)
	// The replay runs under the original workflow ID: the children's IDs derive from it.
	if err := r.ReplayWorkflowHistoryWithOptions(nil, h, sdkworker.ReplayWorkflowHistoryOptions{
		OriginalExecution: sdkworkflow.Execution{ID: workflowID}}); err != nil {
		t.Fatalf("replay of %s: %v", workflowID, err)
	}
	if !*update {
		return
	}
	path := filepath.Join("..", "workflows", "testdata", file)
	if _, err := os.Stat(path); err == nil {
		return // a recorded version is kept as it is: a new version gets a new file
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkExchangeBetweenTwoInstances sends b.N documents from A to B at once (each
// composed, signed by the leader, numbered, sealed and sent through the development
// axis) while B polls the axis, and reports documents per second from the first
// composition to the last 01 back on the axis, and the p50/p99 latency from A's send
// (the axis's time of the document) to B's 01 (the axis's time of the status), both
// read from the one axis clock. Run with a fixed count:
//
//	go test -run '^$' -bench BenchmarkExchangeBetweenTwoInstances -benchtime 20x ./exchange/
func BenchmarkExchangeBetweenTwoInstances(b *testing.B) {
	p := startPair(b)
	ctx := context.Background()
	clerk, leader := actor(b, p.a, "vanthu1"), actor(b, p.a, "lanhdao1")
	one := []exchange.Recipient{{OrganID: otherID, OrganName: "Cơ quan thử nghiệm 1"}}
	stop := make(chan struct{})
	polled := make(chan struct{})
	go func() { // B takes what the axis holds, as its worker does every AxisPollInterval
		defer close(polled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				_, _ = p.bx.Poll(ctx)
			}
		}
	}()
	defer func() { close(stop); <-polled }()

	run := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, b.N)
	ids := make([]int64, b.N)
	for i := range b.N {
		wg.Go(func() {
			key := fmt.Sprintf("%s-%d", run, i)
			o, err := p.ax.Compose(ctx, clerk, exchange.ComposeInput{Key: key, Subject: "Văn bản đo hiệu năng " + key,
				TypeCode: "18", TypeName: "Công văn", Symbol: "BNV-VP", Recipients: one, SignerID: leader.UserID,
				Files: []exchange.File{{Name: key + ".pdf", ContentType: "application/pdf", Data: minimalPDF("Cong van " + key)}}})
			if err == nil {
				err = p.ax.Sign(ctx, leader, o.ID, service.DefaultPIN)
			}
			if err != nil {
				errs <- err
				return
			}
			ids[i] = o.ID
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	latencies := make([]time.Duration, 0, b.N)
	for _, id := range ids {
		var o store.Outgoing
		eventually(b, "document sent", func() bool {
			var err error
			o, err = p.a.Store.OutgoingDocument(ctx, id)
			return err == nil && o.AxisMessageID != ""
		})
		var doc, ack time.Time
		eventually(b, "B's 01 on the axis", func() bool {
			sent, err := p.a.App.Axis.Sent(ctx, axis.SentQuery{Key: o.WorkflowID + "/send"})
			if err != nil || len(sent) == 0 {
				return false
			}
			doc = sent[0].SentAt
			st, err := p.b.App.Axis.Sent(ctx, axis.SentQuery{DocumentID: o.DocumentID})
			if err != nil {
				return false
			}
			for _, m := range st {
				if m.Kind == axis.KindStatus && strings.HasSuffix(m.Key, "/status-01") {
					ack = m.SentAt
					return true
				}
			}
			return false
		})
		latencies = append(latencies, ack.Sub(doc))
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(q float64) time.Duration { return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))] }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(pct(0.50).Milliseconds()), "p50-send-to-01-ms")
	b.ReportMetric(float64(pct(0.99).Milliseconds()), "p99-send-to-01-ms")
	b.ReportMetric(0, "ns/op")
}
