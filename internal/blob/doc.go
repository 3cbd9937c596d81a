// Package blob stores immutable file contents by their SHA-256 hash.
//
// A key is the lowercase hex SHA-256 of the content, so equal uploads share
// one blob and a blob never changes once written. Store is the seam between
// the attachment service and where the bytes live: Disk keeps them under a
// local directory (SQLite mode), Postgres in the database (cluster mode); an
// S3 implementation can follow behind the same interface.
//
// Disk shards keys into two levels of subdirectories (ab/cd/abcd…) so that no
// directory grows huge, and writes atomically: a temporary file in the target
// directory, fsync, rename, fsync of the directory. A reader therefore sees a
// blob completely or not at all, and a blob whose Put returned is durable
// before the database row that points at it is committed. Put verifies that
// the content hashes to its key, which keeps the store honest even if a caller
// gets the key wrong.
//
// Blobs are deleted only by Delete(key, putBefore), which keeps a blob put at
// or after putBefore. Every Put records its time, also when the blob exists
// (Disk: the file's modification time; Postgres: blobs.touched_at), and the
// refresh and the deletion exclude each other (Disk: a mutex; Postgres: the
// blob's row lock). A caller that checked that nothing references a blob
// can therefore delete it without taking the file of a writer that has just
// put it and not yet recorded its reference (package attachment).
package blob
