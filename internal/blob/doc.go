// Package blob stores immutable file contents by their SHA-256 hash.
//
// A key is the lowercase hex SHA-256 of the content, so equal uploads share
// one blob and a blob never changes once written. Store is the seam between
// the attachment service and where the bytes live: Disk keeps them under a
// local directory today; an S3 implementation can follow behind the same
// interface.
//
// Disk shards keys into two levels of subdirectories (ab/cd/abcd…) so that no
// directory grows huge, and writes atomically: a temporary file in the target
// directory, fsync, rename, fsync of the directory. A reader therefore sees a
// blob completely or not at all, and a blob whose Put returned is durable
// before the database row that points at it is committed. Put verifies that
// the content hashes to its key, which keeps the store honest even if a caller
// gets the key wrong.
package blob
