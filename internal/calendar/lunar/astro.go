package lunar

import "math"

// The astronomy below follows Jean Meeus, Astronomical Algorithms (2nd ed., 1998):
// chapter 49 for the instants of new moon (including the planetary corrections),
// chapter 25 for the apparent longitude of the Sun (its "low accuracy" method, good to
// about 0.01°, i.e. some 15 minutes of time), and the ΔT polynomials published by
// Espenak and Meeus (NASA, Five Millennium Canon of Solar Eclipses, 2006) to go from
// Terrestrial Time, in which the theories are expressed, to Universal Time, in which
// the civil day is counted.

const (
	rad = math.Pi / 180

	// j2000 is the Julian Ephemeris Day of 2000 January 1.5 TT.
	j2000 = 2451545.0
	// synodicMonth is the mean length of a lunation in days (Meeus 49.1).
	synodicMonth = 29.530588861
	// newMoon0 is the JDE of the mean new moon of k = 0 (2000 January 6).
	newMoon0 = 2451550.09766
)

// deltaT returns TT − UT in seconds for a decimal Gregorian year.
func deltaT(y float64) float64 {
	switch {
	case y < 1900:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	}
}

// yearOf converts a Julian Day to a decimal Gregorian year, close enough for ΔT.
func yearOf(jd float64) float64 { return 2000 + (jd-j2000)/365.25 }

// newMoonTT returns the Julian Ephemeris Day (TT) of the true new moon number k, counted
// from the new moon of 2000 January 6 (k = 0).
func newMoonTT(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t

	jde := newMoon0 + synodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	e := 1 - 0.002516*t - 0.0000074*t2
	m := (2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3) * rad
	mp := (201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4) * rad
	f := (160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4) * rad
	om := (124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3) * rad

	sin := math.Sin
	c := -0.40720*sin(mp) +
		0.17241*e*sin(m) +
		0.01608*sin(2*mp) +
		0.01039*sin(2*f) +
		0.00739*e*sin(mp-m) -
		0.00514*e*sin(mp+m) +
		0.00208*e*e*sin(2*m) -
		0.00111*sin(mp-2*f) -
		0.00057*sin(mp+2*f) +
		0.00056*e*sin(2*mp+m) -
		0.00042*sin(3*mp) +
		0.00042*e*sin(m+2*f) +
		0.00038*e*sin(m-2*f) -
		0.00024*e*sin(2*mp-m) -
		0.00017*sin(om) -
		0.00007*sin(mp+2*m) +
		0.00004*sin(2*mp-2*f) +
		0.00004*sin(3*m) +
		0.00003*sin(mp+m-2*f) +
		0.00003*sin(2*mp+2*f) -
		0.00003*sin(mp+m+2*f) +
		0.00003*sin(mp-m+2*f) -
		0.00002*sin(mp-m-2*f) -
		0.00002*sin(3*mp+m) +
		0.00002*sin(4*mp)

	// Corrections for the planetary arguments A1..A14.
	a := [14]float64{
		299.77 + 0.107408*kf - 0.009173*t2,
		251.88 + 0.016321*kf,
		251.83 + 26.651886*kf,
		349.42 + 36.412478*kf,
		84.66 + 18.206239*kf,
		141.74 + 53.303771*kf,
		207.14 + 2.453732*kf,
		154.84 + 7.306860*kf,
		34.52 + 27.261239*kf,
		207.19 + 0.121824*kf,
		291.34 + 1.844379*kf,
		161.72 + 24.198154*kf,
		239.56 + 25.513099*kf,
		331.55 + 3.592518*kf,
	}
	w := [14]float64{
		0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
		0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023,
	}
	for i := range a {
		c += w[i] * sin(a[i]*rad)
	}
	return jde + c
}

// newMoonUT returns the Julian Day (UT) of new moon number k.
func newMoonUT(k int) float64 {
	jde := newMoonTT(k)
	return jde - deltaT(yearOf(jde))/86400
}

// sunLongitude returns the apparent geocentric longitude of the Sun, in degrees in
// [0, 360), at the instant jd (UT).
func sunLongitude(jd float64) float64 {
	jde := jd + deltaT(yearOf(jd))/86400
	t := (jde - j2000) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := (357.52911 + 35999.05029*t - 0.0001537*t*t) * rad
	c := (1.914602-0.004817*t-0.000014*t*t)*math.Sin(m) +
		(0.019993-0.000101*t)*math.Sin(2*m) +
		0.000289*math.Sin(3*m)
	om := (125.04 - 1934.136*t) * rad
	lambda := l0 + c - 0.00569 - 0.00478*math.Sin(om)
	lambda = math.Mod(lambda, 360)
	if lambda < 0 {
		lambda += 360
	}
	return lambda
}
