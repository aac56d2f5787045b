package accounts

import (
	"fmt"
	"time"
)

// SoonThreshold is how close to its expiry a key is flagged.
const SoonThreshold = 3 * 24 * time.Hour

// ExpiryState is how a key stands against its two weeks.
type ExpiryState string

// The expiry states.
const (
	ExpiryUnknown ExpiryState = "unknown" // no expiry recorded (an imported key)
	ExpiryOK      ExpiryState = "ok"
	ExpirySoon    ExpiryState = "soon" // under three days left
	ExpiryExpired ExpiryState = "expired"
)

// Expiry is a key's expiry seen from now.
type Expiry struct {
	State ExpiryState
	At    time.Time
	Left  time.Duration // negative once expired
}

// ExpiryOf judges an expiry time from now.
func ExpiryOf(at, now time.Time) Expiry {
	e := Expiry{At: at}
	if at.IsZero() {
		e.State = ExpiryUnknown
		return e
	}
	e.Left = at.Sub(now)
	switch {
	case e.Left <= 0:
		e.State = ExpiryExpired
	case e.Left < SoonThreshold:
		e.State = ExpirySoon
	default:
		e.State = ExpiryOK
	}
	return e
}

// Label is the short form lists show: "12d left", "expires in 2d",
// "expires in 5h", "expired", "expiry unknown".
func (e Expiry) Label() string {
	switch e.State {
	case ExpiryExpired:
		return "expired"
	case ExpirySoon:
		return "expires in " + floorDuration(e.Left)
	case ExpiryOK:
		return shortDuration(e.Left) + " left"
	default:
		return "expiry unknown"
	}
}

// Sentence is the long form for details and diagnostics.
func (e Expiry) Sentence(now time.Time) string {
	switch e.State {
	case ExpiryExpired:
		return fmt.Sprintf("expired %s ago (%s); log in again", shortDuration(-e.Left), e.At.Local().Format("2 Jan 15:04"))
	case ExpirySoon:
		return fmt.Sprintf("expires in %s (%s); log in again soon", floorDuration(e.Left), e.At.Local().Format("2 Jan 15:04"))
	case ExpiryOK:
		return fmt.Sprintf("valid for %s more (until %s)", shortDuration(e.Left), e.At.Local().Format("2 Jan 2006 15:04"))
	default:
		return "no expiry recorded (the key was imported, not issued by bloomy)"
	}
}

// shortDuration words a duration in its largest unit: days rounded to the
// nearest ("14d" for a key issued a second ago), hours and minutes rounded
// down: "12d", "5h", "40m", "0m".
func shortDuration(d time.Duration) string {
	switch {
	case d >= 36*time.Hour:
		return fmt.Sprintf("%dd", int((d+12*time.Hour)/(24*time.Hour)))
	case d >= 24*time.Hour:
		return "1d"
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	default:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
}

// floorDuration words a duration rounded down: under the warning threshold a
// key with 2½ days left says "2d", never more than it has.
func floorDuration(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
	return shortDuration(d)
}
