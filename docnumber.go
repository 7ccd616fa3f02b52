package motcua

import "strconv"

// DocumentNumber writes a register number as Decree 30/2020 (Appendix I, section II.3)
// prints it: Arabic digits, with a leading zero for numbers under 10 ("01", "09", "10",
// "125").
func DocumentNumber(n int) string {
	if n >= 0 && n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
