package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liveline/liveline/bridge"
)

var _ bridge.JobQueue = (*DB)(nil)

// EnqueueJobs adds jobs due at once, skipping those already queued.
func (db *DB) EnqueueJobs(ctx context.Context, jobs []bridge.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("enqueue jobs: begin: %w", err)
	}
	defer tx.Rollback()
	if err := enqueueJobs(ctx, tx, jobs); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("enqueue jobs: commit: %w", err)
	}
	return nil
}

func enqueueJobs(ctx context.Context, q querier, jobs []bridge.Job) error {
	for _, j := range jobs {
		_, err := q.ExecContext(ctx, `INSERT INTO jobs (kind, key, channel_id, ts)
			VALUES (?, ?, ?, ?) ON CONFLICT (kind, key, channel_id, ts) DO NOTHING`,
			string(j.Kind), j.Key, j.ChannelID, j.TS)
		if err != nil {
			return fmt.Errorf("enqueue %s job for %s: %w", j.Kind, j.Key, err)
		}
	}
	return nil
}

// NextJob returns the job due first at or before now, or
// bridge.ErrNotFound.
func (db *DB) NextJob(ctx context.Context, now time.Time) (*bridge.Job, error) {
	var j bridge.Job
	var kind string
	err := db.read.QueryRowContext(ctx, `SELECT id, kind, key, channel_id, ts, attempts,
			last_error FROM jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT 1`,
		now.UnixMicro()).Scan(&j.ID, &kind, &j.Key, &j.ChannelID, &j.TS, &j.Attempts, &j.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("next job: %w", bridge.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("next job: %w", err)
	}
	j.Kind = bridge.JobKind(kind)
	return &j, nil
}

// FinishJob removes a job.
func (db *DB) FinishJob(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// RetryJob counts a failed attempt and makes the job due again at at.
func (db *DB) RetryJob(ctx context.Context, id int64, at time.Time, lastError string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE jobs SET attempts = attempts + 1,
		run_at = ?, last_error = ? WHERE id = ?`, at.UnixMicro(), lastError, id)
	if err != nil {
		return fmt.Errorf("reschedule job %d: %w", id, err)
	}
	return nil
}
