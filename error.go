package watchfire

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status code in one place;
// every other layer only picks the code that says what went wrong.
const (
	EINVALID      = "invalid"      // the request or input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the thing named does not exist
	ECONFLICT     = "conflict"     // the change clashes with the current state
	EUNAUTHORIZED = "unauthorized" // missing or wrong credentials
	ETOOLARGE     = "too_large"    // the body exceeds the size limit
	EUNAVAILABLE  = "unavailable"  // a dependency (the store) cannot be reached
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, not shown
)

// Error is a domain error: a code for programs and a message for people.
// The message must tell the user what to do; causes that only operators
// should see are wrapped in Err and logged, never shown.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain, or
// EINTERNAL when there is none.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors that are not
// domain errors are internal: their text is hidden behind a generic message.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred; it has been logged. Try again, or ask the operator to check the server logs."
}
