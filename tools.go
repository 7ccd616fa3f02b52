//go:build tools

// This file pins, for go mod tidy, the modules that motcua's packages are being built on
// while those packages are written. It is removed once every module is imported by code.
package motcua

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/compose-spec/compose-go/v2/loader"
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/digitorus/pdf"
	_ "github.com/digitorus/pdfsign/sign"
	_ "github.com/digitorus/pdfsign/verify"
	_ "github.com/digitorus/pkcs7"
	_ "github.com/digitorus/timestamp"
	_ "github.com/go-chi/chi/v5"
	_ "github.com/go-jose/go-jose/v4"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/pdfcpu/pdfcpu/pkg/api"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "go.temporal.io/sdk/client"
	_ "go.temporal.io/sdk/testsuite"
	_ "go.temporal.io/sdk/worker"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	_ "go.temporal.io/server/temporal"
	_ "go.temporal.io/server/temporaltest"
	_ "go.temporal.io/server/tools/sql"
	_ "golang.org/x/image/font/opentype"
	_ "golang.org/x/text/unicode/norm"
	_ "rsc.io/qr"
)
