package render

// Rect is a rectangle in PDF user space: points (1/72 inch), origin at the bottom left
// of the page, X and Y its lower left corner.
type Rect struct {
	X, Y, W, H float64
}

// Overlaps reports whether r and o share an area (touching edges do not count).
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Inside reports whether r lies within o.
func (r Rect) Inside(o Rect) bool {
	return r.X >= o.X && r.Y >= o.Y && r.X+r.W <= o.X+o.W && r.Y+r.H <= o.Y+o.H
}
