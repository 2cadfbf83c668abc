package documents

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The form's revision this layout follows. When the IRS revises Form W-9,
// change the layout and this label together.
const formRevision = "Rev. March 2024"

// classificationBoxes are line 3a's boxes in the form's order, with the
// classifications that check each. The LLC box also takes a letter.
var classificationBoxes = []struct {
	label string
	check []string
}{
	{"Individual/sole proprietor", []string{model.W9Individual}},
	{"C corporation", []string{model.W9CCorporation}},
	{"S corporation", []string{model.W9SCorporation}},
	{"Partnership", []string{model.W9Partnership}},
	{"Trust/estate", []string{model.W9TrustEstate}},
	{"LLC. Enter the tax classification (C = C corporation, S = S corporation, P = Partnership)", []string{model.W9LLCC, model.W9LLCS, model.W9LLCPartnership}},
	{"Other (see instructions)", nil},
}

var llcLetter = map[string]string{model.W9LLCC: "C", model.W9LLCS: "S", model.W9LLCPartnership: "P"}

// ValidClassification reports whether c is one of line 3a's
// classifications.
func ValidClassification(c string) bool {
	for _, b := range classificationBoxes {
		for _, k := range b.check {
			if k == c {
				return true
			}
		}
	}
	return false
}

// MaskedTIN is the TIN as the form shows it: only the last four digits,
// in the SSN (XXX-XX-1234) or EIN (XX-XXX1234) shape.
func MaskedTIN(kind, last4 string) string {
	if kind == "ein" {
		return "XX-XXX" + last4
	}
	return "XXX-XX-" + last4
}

// Render fills Form W-9 from in and returns the PDF. The bytes depend only
// on in and created (the PDF's creation and modification dates, the job's
// time): rendering a job twice gives the same bytes and so the same hash,
// which is what lets two workers racing on one job agree. The core
// Helvetica font is used, so nothing is embedded and nothing read from
// disk.
func Render(in model.W9Input, created time.Time) ([]byte, error) {
	if !ValidClassification(in.Classification) {
		return nil, fmt.Errorf("documents: unknown W-9 classification %q", in.Classification)
	}
	if in.TINKind != "ssn" && in.TINKind != "ein" {
		return nil, fmt.Errorf("documents: unknown TIN kind %q", in.TINKind)
	}
	if len(in.TINLast4) != 4 {
		return nil, fmt.Errorf("documents: the TIN's last four digits are required")
	}
	pdf := fpdf.New("P", "mm", "Letter", "")
	created = created.UTC().Truncate(time.Second)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true) // fixed object order: the same bytes every time
	pdf.SetTitle("Form W-9", false)
	pdf.SetSubject("Request for Taxpayer Identification Number and Certification", false)
	pdf.SetCreator("Tranche", false)
	pdf.SetProducer("Tranche", false)
	pdf.SetMargins(12, 10, 12)
	pdf.SetAutoPageBreak(false, 10)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 → the core fonts' cp1252
	pdf.AddPage()

	const left, width = 12.0, 191.9
	// Header: form number, title, revision.
	pdf.SetFont("Helvetica", "B", 20)
	pdf.SetXY(left, 10)
	pdf.CellFormat(40, 10, "Form W-9", "", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 13)
	pdf.SetXY(left+42, 10)
	pdf.CellFormat(110, 6, "Request for Taxpayer", "", 2, "C", false, 0, "")
	pdf.CellFormat(110, 6, "Identification Number and Certification", "", 0, "C", false, 0, "")
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetXY(left+152, 10)
	pdf.MultiCell(40, 4, "Give form to the requester. Do not send to the IRS.", "", "L", false)
	pdf.SetFont("Helvetica", "", 7)
	pdf.SetXY(left, 20)
	pdf.CellFormat(40, 4, "("+formRevision+")", "", 2, "L", false, 0, "")
	pdf.CellFormat(40, 4, "Department of the Treasury", "", 2, "L", false, 0, "")
	pdf.CellFormat(40, 4, "Internal Revenue Service", "", 0, "L", false, 0, "")
	pdf.Line(left, 33, left+width, 33)
	pdf.SetXY(left, 34)
	pdf.SetFont("Helvetica", "B", 8)
	pdf.CellFormat(width, 5, "Before you begin. For guidance related to the purpose of Form W-9, see Purpose of Form, below.", "", 1, "L", false, 0, "")

	y := 40.0
	field := func(label, value string, h float64) {
		pdf.Rect(left, y, width, h, "D")
		pdf.SetXY(left+1, y+0.5)
		pdf.SetFont("Helvetica", "", 7)
		pdf.CellFormat(width-2, 3.5, label, "", 2, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		pdf.CellFormat(width-2, h-4.5, tr(value), "", 0, "L", false, 0, "")
		y += h
	}
	field("1 Name of entity/individual. An entry is required. (For a sole proprietor or disregarded entity, enter the owner's name on line 1, and enter the business/disregarded entity's name on line 2.)", in.Name, 11)
	field("2 Business name/disregarded entity name, if different from above.", in.BusinessName, 11)

	// Line 3a: the seven boxes, the chosen one marked with an X drawn
	// before its label (so a text extraction reads "X" then the label).
	pdf.Rect(left, y, width, 42, "D")
	pdf.SetXY(left+1, y+0.5)
	pdf.SetFont("Helvetica", "", 7)
	pdf.MultiCell(width-2, 3.5, "3a Check the appropriate box for federal tax classification of the entity/individual whose name is entered on line 1. Check only one of the following seven boxes.", "", "L", false)
	by := y + 9
	for _, b := range classificationBoxes {
		checked := false
		for _, k := range b.check {
			checked = checked || k == in.Classification
		}
		pdf.Rect(left+3, by, 3.2, 3.2, "D")
		if checked {
			pdf.SetFont("Helvetica", "B", 9)
			pdf.SetXY(left+3, by-0.2)
			pdf.CellFormat(3.2, 3.6, "X", "", 0, "C", false, 0, "")
		}
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetXY(left+8, by-0.2)
		pdf.CellFormat(150, 3.6, b.label, "", 0, "L", false, 0, "")
		if letter, ok := llcLetter[in.Classification]; ok && checked && len(b.check) > 1 {
			pdf.SetFont("Helvetica", "B", 10)
			pdf.SetXY(left+150, by-0.4)
			pdf.CellFormat(10, 4, letter, "B", 0, "C", false, 0, "")
		}
		by += 4.6
	}
	y += 42
	field("3b If on line 3a you checked \"Partnership\" or \"Trust/estate,\" or checked \"LLC\" and entered \"P\" as its tax classification, and you are providing this form to a partnership, trust, or estate in which you have an ownership interest, check this box if you have any foreign partners, owners, or beneficiaries.", "", 11)
	field("4 Exemptions (codes apply only to certain entities, not individuals): Exempt payee code (if any)        Exemption from FATCA reporting code (if any)", "", 9)
	field("5 Address (number, street, and apt. or suite no.). See instructions.", in.Address, 10)
	field("6 City, state, and ZIP code", in.CityStateZIP, 10)
	field("7 List account number(s) here (optional)", "", 9)

	// Part I: the TIN, masked.
	y += 3
	pdf.SetFillColor(0, 0, 0)
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetXY(left, y)
	pdf.CellFormat(14, 5, "Part I", "", 0, "C", true, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.CellFormat(width-14, 5, "  Taxpayer Identification Number (TIN)", "", 1, "L", false, 0, "")
	y += 6
	pdf.SetFont("Helvetica", "", 7)
	pdf.SetXY(left, y)
	pdf.MultiCell(110, 3.3, "Enter your TIN in the appropriate box. The TIN provided must match the name given on line 1 to avoid backup withholding. For individuals, this is generally your social security number (SSN). For other entities, it is your employer identification number (EIN).", "", "L", false)
	ssn, ein := "", ""
	if in.TINKind == "ein" {
		ein = MaskedTIN("ein", in.TINLast4)
	} else {
		ssn = MaskedTIN("ssn", in.TINLast4)
	}
	tin := func(label, value string, ty float64) {
		pdf.SetFont("Helvetica", "B", 8)
		pdf.SetXY(left+120, ty)
		pdf.CellFormat(70, 4, label, "", 2, "L", false, 0, "")
		pdf.Rect(left+120, ty+4, 70, 7, "D")
		pdf.SetFont("Courier", "B", 12)
		pdf.CellFormat(70, 7, value, "", 0, "C", false, 0, "")
	}
	tin("Social security number", ssn, y)
	tin("Employer identification number", ein, y+13)
	y += 27

	// Part II: the certification and the signature area.
	pdf.SetFillColor(0, 0, 0)
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetXY(left, y)
	pdf.CellFormat(14, 5, "Part II", "", 0, "C", true, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.CellFormat(width-14, 5, "  Certification", "", 1, "L", false, 0, "")
	y += 6
	pdf.SetXY(left, y)
	pdf.SetFont("Helvetica", "", 7.5)
	pdf.MultiCell(width, 3.4, strings.Join([]string{
		"Under penalties of perjury, I certify that:",
		"1. The number shown on this form is my correct taxpayer identification number (or I am waiting for a number to be issued to me); and",
		"2. I am not subject to backup withholding because (a) I am exempt from backup withholding, or (b) I have not been notified by the Internal Revenue Service (IRS) that I am subject to backup withholding as a result of a failure to report all interest or dividends, or (c) the IRS has notified me that I am no longer subject to backup withholding; and",
		"3. I am a U.S. citizen or other U.S. person (defined below); and",
		"4. The FATCA code(s) entered on this form (if any) indicating that I am exempt from FATCA reporting is correct.",
		"Certification instructions. You must cross out item 2 above if you have been notified by the IRS that you are currently subject to backup withholding because you have failed to report all interest and dividends on your tax return.",
	}, "\n"), "", "L", false)
	y = pdf.GetY() + 3
	pdf.Line(left, y, left+width, y)
	pdf.SetXY(left, y+1)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(22, 10, "Sign Here", "R", 0, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 8)
	pdf.CellFormat(30, 10, " Signature of U.S. person", "", 0, "L", false, 0, "")
	pdf.Line(left+55, y+8, left+140, y+8)
	pdf.SetXY(left+145, y+1)
	pdf.CellFormat(10, 10, "Date", "", 0, "L", false, 0, "")
	pdf.Line(left+155, y+8, left+width, y+8)
	pdf.Line(left, y+12, left+width, y+12)

	pdf.SetFont("Helvetica", "", 7)
	pdf.SetXY(left, 262)
	pdf.CellFormat(width, 4, "Form W-9 ("+formRevision+")   Prepared by Tranche from the profile; the TIN is shown masked.", "", 0, "L", false, 0, "")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("documents: render W-9: %w", err)
	}
	return buf.Bytes(), nil
}
