package worker

import (
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"motcua"
)

// Sealer tells whether payloads are sealed by motcua's payload key
// (internal/payload.Codec).
type Sealer interface {
	Sealed(payloads []*commonpb.Payload) error
}

// sealedOnly keeps what nobody with the payload key sent away from the workflows. The
// codec already refuses to decode a payload it did not seal, so the SDK rejects such an
// Update (before anything is written to the history) and fails such a start before the
// workflow runs. Two doors stay that the codec alone does not close:
//   - a Signal's payloads are decoded only when a workflow reads its channel; an
//     unsealed Signal is dropped here, before any handler or channel sees it;
//   - an Update sent with no argument at all: the SDK decodes a missing argument to its
//     type's zero value. Every input motcua sends names its actor or applicant, so an
//     input that is its zero value was not sent by motcua, and is rejected here.
//
// Both checks are pure functions of the event and the keys, so replay decides alike.
type sealedOnly struct {
	interceptor.WorkerInterceptorBase
	sealer Sealer
}

func (s *sealedOnly) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	i := &sealedInbound{sealer: s.sealer}
	i.Next = next
	return i
}

type sealedInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	sealer Sealer
}

// HandleSignal drops a Signal whose payloads are not sealed.
func (i *sealedInbound) HandleSignal(ctx workflow.Context, in *interceptor.HandleSignalInput) error {
	if i.sealer == nil {
		return i.Next.HandleSignal(ctx, in)
	}
	if err := i.sealer.Sealed(in.Arg.GetPayloads()); err != nil {
		workflow.GetLogger(ctx).Warn("unsealed signal dropped", "signal", in.SignalName, "error", err)
		return nil
	}
	return i.Next.HandleSignal(ctx, in)
}

// ValidateUpdate rejects an Update whose input was not sent.
func (i *sealedInbound) ValidateUpdate(ctx workflow.Context, in *interceptor.UpdateInput) error {
	for n, a := range in.Args {
		if a == nil || reflect.ValueOf(a).IsZero() {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("update %s: argument %d is missing", in.Name, n), motcua.EINVALID, nil)
		}
	}
	return i.Next.ValidateUpdate(ctx, in)
}
