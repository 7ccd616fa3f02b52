package dossiers

import (
	"context"
	"net/url"

	"motcua"
	"motcua/reports"
)

// ReportPeriod reads the report's period parameter ("2025-04", "2025-Q1", "2025-H1",
// "2025"); the default is the month of Decree 09/2019 that contains now.
func (s *Service) ReportPeriod(q url.Values) (reports.Period, error) {
	if err := ValidText(q); err != nil {
		return reports.Period{}, err
	}
	if v := q.Get("period"); v != "" {
		return reports.ParsePeriod(v)
	}
	return reports.PeriodAt(reports.Month, s.Now())
}

// Form06 is form 06/VPCP/KSTT of the actor's unit and the units under it for p.
func (s *Service) Form06(ctx context.Context, a motcua.Actor, p reports.Period) (reports.Form06, error) {
	return s.Store.Form06(ctx, a.UnitPath, p, s.Now())
}

// Indicators766 is Decision 766's indicators of the actor's scope for p.
func (s *Service) Indicators766(ctx context.Context, a motcua.Actor, p reports.Period) ([]reports.Indicator, error) {
	in, err := s.Store.Inputs766(ctx, a.UnitPath, p, s.Now())
	if err != nil {
		return nil, err
	}
	return reports.Indicators(in), nil
}

// ReportWorkbook is the XLSX of form 06 and the indicators for p.
func (s *Service) ReportWorkbook(ctx context.Context, a motcua.Actor, p reports.Period) ([]byte, error) {
	f, err := s.Form06(ctx, a, p)
	if err != nil {
		return nil, err
	}
	ind, err := s.Indicators766(ctx, a, p)
	if err != nil {
		return nil, err
	}
	return reports.Workbook(f, ind)
}
