package store

// Event listing limits: Events returns DefaultEventLimit events when the
// filter asks for none, and never more than MaxEventLimit.
const (
	DefaultEventLimit = 100
	MaxEventLimit     = 1000
)

// EventLimit returns the number of events to list for a requested limit.
func EventLimit(requested int) int {
	switch {
	case requested <= 0:
		return DefaultEventLimit
	case requested > MaxEventLimit:
		return MaxEventLimit
	}
	return requested
}
