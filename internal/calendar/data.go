package calendar

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// The government's yearly announcements, one JSON file per year, each citing its sources.
//
//go:embed data/*.json
var announcementFiles embed.FS

// Announcement is one year's government decisions on days off: exact Tết days, the day
// next to 2 September, swapped days and make-up working days.
type Announcement struct {
	Year      int        `json:"year"`
	Sources   []Source   `json:"sources"`
	Overrides []Override `json:"overrides"`
}

// Source is where an announcement was read.
type Source struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Announcements returns the embedded announcements, in year order.
func Announcements() ([]Announcement, error) {
	var out []Announcement
	err := fs.WalkDir(announcementFiles, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := announcementFiles.ReadFile(path)
		if err != nil {
			return err
		}
		a, err := parseAnnouncement(b)
		if err != nil {
			return fmt.Errorf("calendar: %s: %w", path, err)
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

func parseAnnouncement(b []byte) (Announcement, error) {
	var a Announcement
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, err
	}
	if len(a.Sources) == 0 {
		return a, fmt.Errorf("announcement %d cites no source", a.Year)
	}
	seen := map[Date]bool{}
	for _, o := range a.Overrides {
		if o.Date.Year != a.Year {
			return a, fmt.Errorf("announcement %d: override %s is in another year", a.Year, o.Date)
		}
		if seen[o.Date] {
			return a, fmt.Errorf("announcement %d: %s given twice", a.Year, o.Date)
		}
		seen[o.Date] = true
	}
	return a, nil
}
