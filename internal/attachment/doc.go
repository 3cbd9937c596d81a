// Package attachment owns uploaded files: it accepts an upload, decides what
// the file is, keeps the bytes in a blob.Store and the record in the store,
// and serves the file back in a way no browser will run.
//
// Upload streams the request body into a temporary file while hashing it, so
// memory stays flat whatever the size, and refuses anything over the limit
// (Config.MaxSize, default 25 MiB) with too_large. The type comes from the
// bytes, never from the name or the client's Content-Type (sniff.go):
//
//   - JPEG, PNG, GIF, WebP and PDF by their signatures (http.DetectContentType);
//   - plain text only if no byte of the whole file is binary (not just of the
//     first 512 bytes) and it does not begin with markup: a leading "<"
//     followed by a letter, "!", "?" or "/" is taken for HTML, SVG or XML and
//     refused. Text is labelled UTF-8; other 8-bit encodings are not told
//     apart (the bytes download intact). UTF-16 text is refused: markup in it
//     cannot be checked the same way;
//   - Office documents only as OOXML (.docx, .xlsx, .pptx), recognised by
//     opening the zip: [Content_Types].xml must declare exactly one main part
//     of the Word, Excel or PowerPoint document type, that part must exist
//     under word/, xl/ or ppt/, and no VBA project may be present. Macro-enabled
//     variants (.docm, …) declare other main types and are refused, and so are
//     legacy binary formats (.doc, .xls, .ppt), OpenDocument and any other zip:
//     none of them can be told apart from an arbitrary container reliably
//     enough without a parser we do not want on the upload path.
//
// Everything else, HTML and SVG included, is refused with unsupported_type.
//
// The original file name is kept for display and download, made safe by
// SanitizeName (no path, no control or bidi characters, bounded length,
// Unicode kept). If its extension does not fit the sniffed type the right one
// is appended ("page.html" sniffed as text becomes "page.html.txt"), so a
// downloaded file never opens as something other than what was checked.
//
// Bytes are stored by SHA-256, so the same file uploaded twice is stored once;
// each upload still gets its own row and id. The blob is written before the
// row: a crash in between leaves an unreferenced blob (which the clean-up
// deletes), never a row without its bytes. An upload belongs to its uploader until a message takes it
// (store.AttachToMessage, inside the message's write transaction); from then
// on it belongs to that conversation's parties. Deciding who may read an
// attachment is the caller's job; Serve only makes the response safe:
// Content-Disposition attachment (inline for the four image types only),
// X-Content-Type-Options: nosniff, a sandboxing Content-Security-Policy, and a
// private, immutable cache with the hash as ETag.
//
// Uploads that no message takes are cleaned up by outbox jobs (cleanup.go):
// a sweep, which queues its own next run, deletes the unattached rows older
// than Config.Retention and hands their blob keys to a release job in the
// same transaction; the release deletes the blobs that no row references
// and that were not put within BlobGrace. Upload puts the blob even when it
// exists, which refreshes its put time, and writes its row within
// maxPutToRow of that; so a release that found no row and deletes the blob
// cannot take the file of an upload that is writing its row (the argument is
// at release, and in docs/attachments.md).
package attachment
