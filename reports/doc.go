// Package reports holds the reports the rules ask of a one-stop system, as plain
// computations: the reporting periods of Decree 09/2019/NĐ-CP, the rows of form
// 06/VPCP/KSTT (Circular 01/2020/TT-VPCP) and the indicators of Decision 766/QĐ-TTg
// (2022) that a one-stop system can compute.
//
// It does no I/O and knows neither PostgreSQL nor HTTP: internal/store counts, the
// dossiers service assembles, api and web render. Every formula here is tested on
// hand-counted figures; docs/reports.md cites the definition each one follows.
package reports
