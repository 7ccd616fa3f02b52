// Package forms is the procedure catalog (danh mục thủ tục hành chính) and each procedure's
// e-form: the data a dossier is judged against, and the validation of what an applicant
// submits, with one Vietnamese message per wrong field.
//
// The catalog is data, not code: one JSON file per procedure version under catalog/, embedded
// in the binary and reviewed like code. A file is checked when it is loaded (units exist,
// step budgets add up to the time limit, every mandatory component has a file field, the
// e-form compiles to a JSON Schema 2020-12 document), so a broken file stops the program at
// startup instead of misleading a clerk later.
//
// Versions are immutable. A dossier keeps the procedure code and version it was received
// under; Catalog.Version(code, n) always returns that version, whatever was published since,
// and Catalog.At(code, t) answers which version was in force at time t.
//
// Validation is bounded: the input's size, nesting depth, number of values and length of
// every string are capped before anything else runs, so a hostile or broken request costs
// little memory and time. The package does no I/O beyond reading the catalog's fs.FS: file
// references in a form are checked by shape only; whether the file exists is the API's job.
package forms
