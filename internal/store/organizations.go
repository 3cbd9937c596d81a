package store

import "github.com/parleyhq/parley"

const orgCols = `id, marketplace_id, external_id, name, kind, email, chat_enabled`

func scanOrg(row interface{ Scan(...any) error }) (parley.Organization, error) {
	var o parley.Organization
	var chat int64
	err := row.Scan(&o.ID, &o.MarketplaceID, &o.ExternalID, &o.Name, &o.Kind, &o.Email, &chat)
	o.ChatEnabled = chat != 0
	return o, mapError(err)
}

// OrganizationByID returns an organization by Parley's id.
func OrganizationByID(q Querier, id int64) (parley.Organization, error) {
	return scanOrg(q.QueryRow(`SELECT `+orgCols+` FROM organizations WHERE id = ?`, id))
}

// OrganizationByExternalID returns a marketplace's organization by the host's id.
func OrganizationByExternalID(q Querier, marketplaceID int64, externalID string) (parley.Organization, error) {
	return scanOrg(q.QueryRow(`SELECT `+orgCols+` FROM organizations WHERE marketplace_id = ? AND external_id = ?`, marketplaceID, externalID))
}

// UpsertOrganization creates or updates an organization by external id and
// reports whether it was created.
func UpsertOrganization(tx *Tx, o parley.Organization) (parley.Organization, bool, error) {
	now := Micros(tx.Now())
	chat := int64(0)
	if o.ChatEnabled {
		chat = 1
	}
	existing, err := OrganizationByExternalID(tx, o.MarketplaceID, o.ExternalID)
	if err == ErrNotFound {
		var id int64
		err := tx.QueryRow(`INSERT INTO organizations (marketplace_id, external_id, name, kind, email, chat_enabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.MarketplaceID, o.ExternalID, o.Name, o.Kind, o.Email, chat, now, now).Scan(&id)
		if err != nil {
			return o, false, mapError(err)
		}
		o.ID = id
		return o, true, nil
	} else if err != nil {
		return o, false, err
	}
	_, err = tx.Exec(`UPDATE organizations SET name = ?, kind = ?, email = ?, chat_enabled = ?, updated_at = ? WHERE id = ?`,
		o.Name, o.Kind, o.Email, chat, now, existing.ID)
	o.ID = existing.ID
	return o, false, err
}

// ReplaceMembers sets the members of an organization to exactly these
// (user id -> role).
func ReplaceMembers(tx *Tx, orgID int64, members map[int64]string) error {
	if _, err := tx.Exec(`DELETE FROM memberships WHERE organization_id = ?`, orgID); err != nil {
		return err
	}
	for uid, role := range members {
		if _, err := tx.Exec(`INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, ?)`, orgID, uid, role); err != nil {
			return err
		}
	}
	return nil
}

// Memberships returns the organizations a user belongs to, with roles.
func Memberships(q Querier, userID int64) ([]parley.Membership, error) {
	rows, err := q.Query(`SELECT o.id, o.marketplace_id, o.external_id, o.name, o.kind, o.email, o.chat_enabled, m.role
		FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = ? ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.Membership
	for rows.Next() {
		var m parley.Membership
		var chat int64
		if err := rows.Scan(&m.Organization.ID, &m.Organization.MarketplaceID, &m.Organization.ExternalID, &m.Organization.Name,
			&m.Organization.Kind, &m.Organization.Email, &chat, &m.Role); err != nil {
			return nil, err
		}
		m.Organization.ChatEnabled = chat != 0
		out = append(out, m)
	}
	return out, rows.Err()
}

// OrgMembers returns (user, role) of an organization's members with the
// given roles (all roles when none are given).
func OrgMembers(q Querier, orgID int64, roles ...string) ([]parley.User, error) {
	query := `SELECT ` + prefixCols("u.", userCols) + ` FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = ?`
	args := []any{orgID}
	if len(roles) > 0 {
		query += ` AND m.role IN (` + placeholders(len(roles)) + `)`
		for _, r := range roles {
			args = append(args, r)
		}
	}
	rows, err := q.Query(query+` ORDER BY u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Member is a user's role in an organization.
type Member struct {
	User parley.User
	Role string
}

// MembersWithRoles returns an organization's members and their roles.
func MembersWithRoles(q Querier, orgID int64) ([]Member, error) {
	rows, err := q.Query(`SELECT `+prefixCols("u.", userCols)+`, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = ? ORDER BY u.name, u.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var role string
		u, err := scanUser(scanTail{rows, &role})
		if err != nil {
			return nil, err
		}
		m.User, m.Role = u, role
		out = append(out, m)
	}
	return out, rows.Err()
}

// scanTail scans a row whose first columns are read by an inner scanner and
// whose last column goes to tail.
type scanTail struct {
	row  interface{ Scan(...any) error }
	tail any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail)...) }

// SetMember adds a member or changes their role.
func SetMember(tx *Tx, orgID, userID int64, role string) error {
	res, err := tx.Exec(`UPDATE memberships SET role = ? WHERE organization_id = ? AND user_id = ?`, role, orgID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(`INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, ?)`, orgID, userID, role)
	return mapError(err)
}

// RemoveMember removes a member; not found when they were none.
func RemoveMember(tx *Tx, orgID, userID int64) error {
	res, err := tx.Exec(`DELETE FROM memberships WHERE organization_id = ? AND user_id = ?`, orgID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetChatEnabled switches an organization's chat on or off.
func SetChatEnabled(tx *Tx, orgID int64, on bool) error {
	v := int64(0)
	if on {
		v = 1
	}
	_, err := tx.Exec(`UPDATE organizations SET chat_enabled = ?, updated_at = ? WHERE id = ?`, v, Micros(tx.Now()), orgID)
	return err
}
