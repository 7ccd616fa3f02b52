package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"motcua"
)

// DevGateway is the development payment platform: it accepts INIT messages, shows the
// applicant a page to pay or cancel, posts the signed notice to the notify URL, sends
// the browser back to the return URL, and answers status checks. It keeps its orders in
// memory; it is for laptops and tests, never for production.
type DevGateway struct {
	Partner, Secret string
	// PublicURL is the gateway's own base URL as browsers reach it.
	PublicURL string
	// NoCallback leaves the notify URL alone (only polling finds the outcome).
	NoCallback bool
	Log        *slog.Logger
	Now        func() time.Time

	mu     sync.Mutex
	orders map[string]*devOrder
	next   int
}

type devOrder struct {
	req    InitRequest
	notice Notice
}

// Handler serves the gateway.
func (g *DevGateway) Handler() http.Handler {
	if g.Log == nil {
		g.Log = slog.New(slog.DiscardHandler)
	}
	if g.Now == nil {
		g.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /init", g.init)
	mux.HandleFunc("POST /status", g.status)
	mux.HandleFunc("GET /pay/{ref}", g.page)
	mux.HandleFunc("POST /pay/{ref}", g.pay)
	return mux
}

func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxMessageBytes+1))
	if err != nil || len(b) > MaxMessageBytes {
		return fmt.Errorf("message too large or unreadable")
	}
	return json.Unmarshal(b, v)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (g *DevGateway) init(w http.ResponseWriter, r *http.Request) {
	var req InitRequest
	res := InitResponse{Code: "00"}
	switch err := readJSON(r, &req); {
	case err != nil:
		res.Code, res.Description = "01", "Bản tin không đúng định dạng"
	case !verify(g.Secret, req.fields(), req.Hash) || req.Partner != g.Partner:
		res.Code, res.Description = "02", "Sai mã xác thực"
	case req.Amount <= 0 || req.Reference == "":
		res.Code, res.Description = "03", "Thiếu mã tham chiếu hoặc số tiền"
	}
	res.Reference = req.Reference
	if res.Code == "00" {
		g.mu.Lock()
		if g.orders == nil {
			g.orders = map[string]*devOrder{}
		}
		if _, ok := g.orders[req.Reference]; !ok {
			g.orders[req.Reference] = &devOrder{req: req, notice: Notice{Reference: req.Reference, Status: StatusPending}}
		}
		g.mu.Unlock()
		res.PayURL = g.PublicURL + "/pay/" + url.PathEscape(req.Reference)
	}
	res.Hash = sign(g.Secret, res.fields())
	writeJSON(w, res)
}

func (g *DevGateway) status(w http.ResponseWriter, r *http.Request) {
	var req StatusRequest
	if err := readJSON(r, &req); err != nil || !verify(g.Secret, req.fields(), req.Hash) {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	o, ok := g.orders[req.Reference]
	var n Notice
	if ok {
		n = o.notice
	}
	g.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	n.Hash = sign(g.Secret, n.fields())
	writeJSON(w, n)
}

var payPage = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thanh toán (môi trường phát triển)</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{font-size:1rem;padding:.6rem 1.2rem;margin-right:1rem}</style></head>
<body><h1>Cổng thanh toán trực tuyến</h1>
<p><em>Môi trường phát triển: không có giao dịch thật.</em></p>
<dl><dt>Mã tham chiếu</dt><dd id="ref">{{.Reference}}</dd>
<dt>Hồ sơ</dt><dd id="dossier">{{.Receipt.DossierCode}}</dd>
<dt>Nội dung</dt><dd>{{.Receipt.FeeName}}</dd>
<dt>Số tiền</dt><dd id="amount">{{.Amount}} đồng</dd></dl>
{{if .Done}}<p id="done">Giao dịch đã kết thúc.</p>{{else}}
<form method="post"><input type="hidden" name="amount" value="{{.Amount}}">
<button id="pay" name="action" value="pay">Thanh toán</button>
<button id="cancel" name="action" value="cancel">Hủy giao dịch</button></form>{{end}}
</body></html>`))

func (g *DevGateway) page(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	o, ok := g.orders[r.PathValue("ref")]
	var data struct {
		InitRequest
		Done bool
	}
	if ok {
		data.InitRequest, data.Done = o.req, o.notice.Status != StatusPending
	}
	g.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = payPage.Execute(w, data)
}

// pay settles an order: action pay (with the amount the form posts, which a test may
// change to pay a wrong amount) or cancel; then the notice goes to the notify URL and
// the browser back to the return URL.
func (g *DevGateway) pay(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxMessageBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ref := r.PathValue("ref")
	g.mu.Lock()
	o, ok := g.orders[ref]
	if !ok {
		g.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	if o.notice.Status == StatusPending {
		g.next++
		o.notice.Time = g.Now().In(motcua.Vietnam).Format("20060102150405")
		o.notice.Transaction = fmt.Sprintf("GD%08d", g.next)
		if r.PostForm.Get("action") == "pay" {
			amount, err := strconv.ParseInt(r.PostForm.Get("amount"), 10, 64)
			if err != nil || amount <= 0 {
				amount = o.req.Amount
			}
			o.notice.Status, o.notice.Amount = StatusPaid, amount
		} else {
			o.notice.Status = StatusCancelled
		}
	}
	n, req := o.notice, o.req
	g.mu.Unlock()
	n.Hash = sign(g.Secret, n.fields())
	if !g.NoCallback && req.NotifyURL != "" {
		g.notify(r.Context(), req.NotifyURL, n)
	}
	back := req.ReturnURL
	if back == "" {
		back = g.PublicURL + "/pay/" + url.PathEscape(ref)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// notify posts the notice to motcua, bounded in time; a lost notice is found by polling.
func (g *DevGateway) notify(ctx context.Context, to string, n Notice) {
	body, _ := json.Marshal(n)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.Log.Warn("payment notice not delivered", "ref", n.Reference, "err", err)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, MaxMessageBytes))
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		g.Log.Warn("payment notice refused", "ref", n.Reference, "status", res.StatusCode)
	}
}

// Sign signs a notice with secret, as the platform does (tests forge and sign notices).
func Sign(secret string, n Notice) Notice {
	n.Hash = sign(secret, n.fields())
	return n
}
