// Package render lays out the one-stop documents as PDFs: the notices of Circular
// 03/2025/TT-VPCP Appendix I (01 receipt, 02 supplement request, 03 refusal, 04 apology,
// 05 stop notice, 06 process control sheet) and procedure results (decisions,
// licences), in the format of Decree 30/2020/NĐ-CP Appendix I, from templates kept as
// versioned data.
//
// It produces unsigned PDFs only, and says where the signature image, the seal and the
// number and date fields are (Layout) so internal/pades can sign and fill them in
// incremental updates. It must not be used on a PDF after it has been signed: pdfcpu
// rewrites whole files. Apart from pdfcpu's font directory (see SetupFonts) it does no
// I/O.
package render
