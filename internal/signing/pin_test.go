package signing_test

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"

	"motcua/internal/signing"
	"motcua/internal/signing/service"
)

// secretPIN is a PIN that appears nowhere else, so finding it in output is a leak.
const secretPIN = "864209"

func TestAPINNeverShowsInFormattingLogsOrJSON(t *testing.T) {
	_, _, client := startService(t, devDir(t), service.Options{PINs: map[string]string{"lanhdao1": secretPIN}})
	pin := signing.PIN(secretPIN)
	s, err := client.Signer(context.Background(), "lanhdao1", pin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(nil, digestOf("x"), crypto.SHA256); err != nil {
		t.Fatalf("the PIN does not reach the service intact: %v", err)
	}

	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T %v"} {
		fmt.Fprintf(&out, verb+"\n", pin)
		fmt.Fprintf(&out, verb+"\n", s)
		fmt.Fprintf(&out, verb+"\n", *s)
		fmt.Fprintf(&out, verb+"\n", struct{ P signing.PIN }{pin})
	}
	fmt.Fprintln(&out, pin, s, []signing.PIN{pin}, map[string]signing.PIN{"pin": pin})
	log.New(&out, "", 0).Printf("pin=%v signer=%+v", pin, s)
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	req := signing.CredentialsAuthorizeRequest{CredentialID: "lanhdao1", NumSignatures: 1,
		AuthData: []signing.AuthData{{ID: "PIN", Value: secretPIN}}}
	logger.Info("sign", "pin", pin, "signer", s, slog.Any("authData", req.AuthData[0]), slog.Any("req", req))
	fmt.Fprintf(&out, "%v %+v %#v\n", req, req, req)
	slog.New(slog.NewTextHandler(&out, nil)).Info("sign", "pin", pin, "signer", s)
	j, err := json.Marshal(map[string]any{"pin": pin})
	if err != nil {
		t.Fatal(err)
	}
	out.Write(j)

	// Errors of a wrong PIN name neither the wrong nor the right PIN.
	wrong := signing.PIN("135790")
	ws, err := client.Signer(context.Background(), "lanhdao1", wrong)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.Sign(nil, digestOf("x"), crypto.SHA256)
	if !errors.Is(err, signing.ErrInvalidPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	fmt.Fprintf(&out, "%v %+v", err, errors.Unwrap(err))

	for _, secret := range []string{secretPIN, "135790"} {
		if strings.Contains(out.String(), secret) {
			t.Fatalf("PIN %s leaked into:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "[redacted]") {
		t.Error("nothing was redacted: the test printed nothing useful")
	}
}
