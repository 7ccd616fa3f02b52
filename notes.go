package motcua

// NoteForApplicant says whether the note of an event of kind k is, by its nature,
// addressed to the applicant: the reason of a refusal, of a supplement request, of a stop
// or of an apology (the notice the applicant receives states it), and what the applicant
// wrote (a withdrawal's reason, a supplement's explanation). Every other note (a
// reviewer's comment handing the dossier on, a consulted unit's opinion, a leader's
// remark) is internal between units: the applicant reads it only when its author marked
// it public (Transition.NotePublic).
func (k EventKind) NoteForApplicant() bool {
	switch k {
	case EventRefuse, EventRequestSupplement, EventStop, EventApologize, EventWithdraw, EventSupplement:
		return true
	}
	return false
}

// NoteVisibleToApplicant says whether the applicant may read a note of kind k that its
// author marked public or not.
func NoteVisibleToApplicant(k EventKind, public bool) bool { return public || k.NoteForApplicant() }
