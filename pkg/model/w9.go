package model

// W9Input is what a profile puts on its W-9 (Form W-9, Request for
// Taxpayer Identification Number and Certification). The profiles package
// fills it from a profile in the same transaction that saves the profile
// (the document job item, store doc); the documents function renders it.
// It carries the TIN masked (last four), never the full number: the
// rendered form and everything that stores the job stay free of it.
type W9Input struct {
	ProfileID    int64  `json:"profile_id"`
	Version      int64  `json:"version"`       // the profile version the job renders; older jobs lose
	Name         string `json:"name"`          // line 1: the individual's or the entity's name
	BusinessName string `json:"business_name"` // line 2: business or disregarded entity name, if different
	// Classification is line 3a's box: individual, c_corporation,
	// s_corporation, partnership, trust_estate, llc_c, llc_s, llc_p.
	Classification string `json:"classification"`
	Address        string `json:"address"`        // line 5
	CityStateZIP   string `json:"city_state_zip"` // line 6
	TINKind        string `json:"tin_kind"`       // "ssn" or "ein"
	TINLast4       string `json:"tin_last4"`
}

// W9 classifications (line 3a).
const (
	W9Individual     = "individual"
	W9CCorporation   = "c_corporation"
	W9SCorporation   = "s_corporation"
	W9Partnership    = "partnership"
	W9TrustEstate    = "trust_estate"
	W9LLCC           = "llc_c"
	W9LLCS           = "llc_s"
	W9LLCPartnership = "llc_p"
)

// W9State is a profile's W-9 document as the documents function left it:
// generated (ShareUUID set), then possibly signed.
type W9State struct {
	ProfileID   int64   `json:"profile_id" dynamo:"profile_id"`
	Version     int64   `json:"version" dynamo:"version"`       // the profile version rendered
	ShareUUID   string  `json:"share_uuid" dynamo:"share_uuid"` // stable per profile
	ObjectKey   string  `json:"-" dynamo:"object_key"`          // S3 key of the PDF
	SHA256      string  `json:"sha256" dynamo:"sha256"`         // of the PDF bytes
	GeneratedAt Time    `json:"generated_at" dynamo:"generated_at"`
	SignedAt    *Time   `json:"signed_at" dynamo:"signed_at"`
	SignerName  *string `json:"signer_name" dynamo:"signer_name"`
	SignerIP    *string `json:"-" dynamo:"signer_ip"`
	SignedHash  *string `json:"signed_sha256" dynamo:"signed_sha256"` // the hash of the document that was signed
}
