package api

import "testing"

// TestLocalPathKeepsRedirectsOnTheSite: the login form's ?next= only ever leads to a
// page of this site, whatever browsers make of odd characters.
func TestLocalPathKeepsRedirectsOnTheSite(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/ho-so/000.00.01.G09-261129-0001", "/ho-so/000.00.01.G09-261129-0001"},
		{"/thu-tuc?q=quy#ket-qua", "/thu-tuc?q=quy#ket-qua"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example/", "/"},
		{"/\n/evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"ho-so", "/"},
	} {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
