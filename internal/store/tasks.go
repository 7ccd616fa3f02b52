package store

import (
	"context"
	"fmt"
	"strings"

	"motcua"
)

// consultStepSuffix ends the step of a consultation's task: the consulted unit's
// opinion on a step of the procedure (workflows name it so).
const consultStepSuffix = "/y-kien"

// TaskRole returns the role the work of a task asks for: the role of its step in the
// procedure version the dossier was received under, or the clerk's for a consultation
// (any clerk of the consulted unit answers it); and the path of the task's unit. A task
// that does not exist is ENOTFOUND.
func (s *Store) TaskRole(ctx context.Context, taskID int64) (motcua.Role, string, error) {
	var step, role, unitPath string
	err := s.pool.QueryRow(ctx, `SELECT t.step, un.path, coalesce((SELECT st->>'role'
			FROM jsonb_array_elements(p.definition->'steps') st WHERE st->>'id' = split_part(t.step, '/', 1) LIMIT 1), '')
		FROM tasks t JOIN units un ON un.id = t.unit_id JOIN dossiers d ON d.id = t.dossier_id
		JOIN procedures p ON p.code = d.procedure_code AND p.version = d.procedure_version
		WHERE t.id = $1`, taskID).Scan(&step, &unitPath, &role)
	if err != nil {
		return "", "", notFound(err, "Không tìm thấy việc.")
	}
	if strings.HasSuffix(step, consultStepSuffix) {
		return motcua.RoleClerk, unitPath, nil
	}
	if role == "" {
		return "", "", fmt.Errorf("task %d: step %q is not in its procedure", taskID, step)
	}
	return motcua.Role(role), unitPath, nil
}
