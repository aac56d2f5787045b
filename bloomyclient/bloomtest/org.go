package bloomtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// ResultType values of search/all entries.
const (
	resultUser       = "User"
	resultGroup      = "Group"
	resultTeam       = "Team"
	resultMeasurable = "Measurable"
)

// placeholderImage is the ImageUrl the real server gives placeholders and users
// without a photo.
const placeholderImage = "/i/userplaceholder"

// firstID is where the server's ID counter starts.
const firstID = 10000

// entry is one searchable thing of an organisation: a user (maybe a placeholder) or a
// group, team or measurable. Entries never change once built.
type entry struct {
	id          int64
	name        string
	description string // a person's position; a short note for the others
	email       string // "" for placeholders and non-users
	imageURL    string
	resultType  string
	placeholder bool
	seats       []string // a person's positions, the first being description
}

func (e *entry) user(orgID int64) User {
	return User{
		ID:             e.id,
		Name:           e.name,
		Email:          e.email,
		Position:       e.description,
		OrganizationID: orgID,
		ImageURL:       e.imageURL,
		Placeholder:    e.placeholder,
	}
}

// organization is a demo organisation. Its fields are guarded by Server.mu, except the
// search/all cache, which has its own lock because it is filled under a read lock.
type organization struct {
	id      int64
	name    string
	domain  string
	entries []*entry           // server order: what search/all returns
	people  map[int64]*entry   // users and placeholders by ID
	reports map[int64][]*entry // direct reports by manager ID, in server order
	root    *entry             // the top of the reporting tree
	emails  map[string]bool    // addresses in use
	// emailTries counts the addresses handed out per first.last, for numbering.
	emailTries map[string]int

	searchAllMu sync.Mutex
	searchAll   []byte // encoded search/all?term=% reply; nil when stale
}

// nextID hands out server-wide unique IDs with small gaps, so clients cannot mistake
// an index for an ID. The caller holds s.mu.
func (s *Server) nextID(rng *rand.Rand) int64 {
	s.lastID += 1 + int64(rng.IntN(3))
	return s.lastID
}

// newOrganization generates an organisation from the seed and its name: the owner
// first, then users generated people with ~5% placeholders, mixed with ~10% groups,
// teams and measurables. The caller holds s.mu.
func (s *Server) newOrganization(name, domain, ownerName, ownerEmail string, ownerSeats []string, users int) *organization {
	h := fnv.New64a()
	h.Write([]byte(name))
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), h.Sum64()))
	users = max(users, 0)

	o := &organization{
		id:      s.nextID(rng),
		name:    name,
		domain:  domain,
		people:  make(map[int64]*entry, users+1),
		reports: make(map[int64][]*entry),
		emails:  make(map[string]bool, users+1),

		emailTries: make(map[string]int),
	}
	ownerID := s.nextID(rng)
	owner := &entry{
		id:          ownerID,
		name:        ownerName,
		description: ownerSeats[0],
		email:       ownerEmail,
		imageURL:    avatarURL(ownerID),
		resultType:  resultUser,
		seats:       ownerSeats,
	}
	o.emails[ownerEmail] = true
	o.add(owner)
	o.root = owner

	placeholders, others := 0, 0
	if users >= 5 {
		placeholders = max(1, (users+10)/20) // 5%, at least one
		others = max(3, users/10)            // 10%, at least one of each kind
	}
	total := users + others
	isOther := make([]bool, total)
	for _, i := range rng.Perm(total)[:others] {
		isOther[i] = true
	}
	isPlaceholder := make([]bool, users)
	for _, i := range rng.Perm(users)[:placeholders] {
		isPlaceholder[i] = true
	}

	staff := []*entry{owner} // non-placeholder people, for the reporting tree
	u, k := 0, 0
	for slot := range total {
		if isOther[slot] {
			o.add(s.generateOther(rng, k))
			k++
			continue
		}
		p := s.generatePerson(rng, o, isPlaceholder[u])
		u++
		o.add(p)
		// A 4-ary tree over the real people in server order; placeholders hang
		// under someone near the top.
		if p.placeholder {
			top := staff[:min(len(staff), 1+len(staff)/4)]
			mgr := top[rng.IntN(len(top))]
			o.reports[mgr.id] = append(o.reports[mgr.id], p)
		} else {
			mgr := staff[(len(staff)-1)/4]
			o.reports[mgr.id] = append(o.reports[mgr.id], p)
			staff = append(staff, p)
		}
	}
	return o
}

// joinOrganization adds a login's own user to an existing organisation, reporting to
// its root. The caller holds s.mu.
func (s *Server) joinOrganization(o *organization, name, email string, seats []string) *entry {
	s.lastID++
	p := &entry{
		id:          s.lastID,
		name:        name,
		description: seats[0],
		email:       email,
		imageURL:    avatarURL(s.lastID),
		resultType:  resultUser,
		seats:       seats,
	}
	o.emails[email] = true
	o.add(p)
	o.reports[o.root.id] = append(o.reports[o.root.id], p)
	o.invalidate()
	return p
}

func (o *organization) add(e *entry) {
	o.entries = append(o.entries, e)
	if e.resultType == resultUser {
		o.people[e.id] = e
	}
}

// invalidate drops the cached search/all reply after a change.
func (o *organization) invalidate() {
	o.searchAllMu.Lock()
	o.searchAll = nil
	o.searchAllMu.Unlock()
}

// searchAllJSON is the encoded search/all?term=% reply, built once per change. The
// caller holds s.mu for reading at least.
func (o *organization) searchAllJSON() []byte {
	o.searchAllMu.Lock()
	defer o.searchAllMu.Unlock()
	if o.searchAll == nil {
		results := make([]searchAllResult, len(o.entries))
		for i, e := range o.entries {
			results[i] = e.searchAllResult(o.id)
		}
		b, err := json.Marshal(results)
		if err != nil {
			panic(fmt.Sprintf("bloomtest: encode search/all: %v", err)) // plain structs: cannot happen
		}
		o.searchAll = b
	}
	return o.searchAll
}

func avatarURL(id int64) string {
	return "https://images.bloomgrowth.example/u/" + strconv.FormatInt(id, 10) + ".jpg"
}

// generatePerson makes a user or placeholder with a realistic name, a unique
// first.last e-mail address and one or two positions.
func (s *Server) generatePerson(rng *rand.Rand, o *organization, placeholder bool) *entry {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	p := &entry{
		id:          s.nextID(rng),
		name:        first + " " + last,
		resultType:  resultUser,
		placeholder: placeholder,
		imageURL:    placeholderImage,
	}
	title := staffPositions[rng.IntN(len(staffPositions))]
	p.description = title
	p.seats = []string{title}
	if placeholder {
		return p
	}
	p.email = o.uniqueEmail(first, last)
	// Most people have a photo; the others carry the placeholder image although they
	// are real users (which is why the e-mail, not the image, marks a placeholder).
	if rng.IntN(5) != 0 {
		p.imageURL = avatarURL(p.id)
	}
	if rng.IntN(7) == 0 {
		second := staffPositions[rng.IntN(len(staffPositions))]
		if second != title {
			p.seats = append(p.seats, second)
		}
	}
	return p
}

// uniqueEmail is first.last@domain in lower-case ASCII, numbered when taken.
func (o *organization) uniqueEmail(first, last string) string {
	local := emailPart(first) + "." + emailPart(last)
	for {
		n := o.emailTries[local] + 1
		o.emailTries[local] = n
		email := local + "@" + o.domain
		if n > 1 {
			email = local + strconv.Itoa(n) + "@" + o.domain
		}
		if !o.emails[email] {
			o.emails[email] = true
			return email
		}
	}
}

// generateOther makes the k-th non-user entry: groups, teams and measurables in turn.
func (s *Server) generateOther(rng *rand.Rand, k int) *entry {
	e := &entry{id: s.nextID(rng)}
	var names []string
	switch k % 3 {
	case 0:
		e.resultType, e.description, names = resultGroup, "Department", groupNames
	case 1:
		e.resultType, e.description, names = resultTeam, "Level 10 meeting", teamNames
	default:
		e.resultType, e.description, names = resultMeasurable, "Weekly measurable", measurableNames
	}
	n := k / 3
	e.name = names[n%len(names)]
	if round := n / len(names); round > 0 {
		e.name = fmt.Sprintf("%s %d", e.name, round+1)
	}
	return e
}

// transliterations map the non-ASCII letters of the name lists to ASCII for e-mail
// addresses.
var transliterations = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'č': "c", 'ć': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ě': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ı': "i",
	'ñ': "n", 'ń': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y",
	'ł': "l", 'ř': "r", 'š': "s", 'ş': "s", 'ß': "ss", 'ž': "z", 'ğ': "g",
}

// emailPart lower-cases a name and keeps it to ASCII letters, digits and hyphens.
func emailPart(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteString(transliterations[r]) // others (apostrophes, spaces) dropped
		}
	}
	return b.String()
}

var firstNames = []string{
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella", "Lucas",
	"Mia", "Oliver", "Amelia", "Elijah", "Harper", "James", "Evelyn", "Benjamin", "Abigail", "Henry",
	"Zoë", "Søren", "José", "Chloé", "Björn", "Renée", "Łukasz", "Ngozi", "Priya", "Arjun",
	"Mei", "Hiroshi", "Yuki", "Fatima", "Omar", "Aisha", "Mateo", "Valentina", "Diego", "Camila",
	"Kwame", "Amara", "Inés", "Jörg", "Siobhán", "Eoin", "Freya", "Lars", "Anaïs", "François",
	"Dmitri", "Olga", "Tomás", "Léa", "Noé", "Rafael", "Hana", "Kai", "Nadia", "Samuel",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernández", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Müller", "Schäfer", "Nowak", "Kowalczyk", "Dvořák",
	"Ødegaard", "Lindqvist", "Nakamura", "Tanaka", "Kim", "Park", "Nguyen", "Chen", "Okafor", "Mensah",
	"Patel", "Sharma", "O'Brien", "MacLeod", "Rossi", "Bianchi", "Fernández", "Silva", "Gonçalves", "Yılmaz",
}

// positions are job titles; a position's seat ID is its index plus one.
var positions = []string{
	"Chief Executive Officer", "Chief Operating Officer", "Chief Financial Officer", "Visionary", "Integrator",
	"VP of Engineering", "VP of Sales", "Head of Marketing", "Product Manager", "Software Engineer",
	"Senior Software Engineer", "QA Engineer", "Data Analyst", "Account Executive", "Customer Success Manager",
	"Support Specialist", "HR Generalist", "Recruiter", "Office Manager", "Controller",
	"Accountant", "Operations Manager", "Logistics Coordinator", "Warehouse Lead", "Product Designer",
	"UX Researcher", "Marketing Specialist", "Sales Development Representative", "IT Administrator", "Project Manager",
	"Legal Counsel", "Executive Assistant",
}

// staffPositions are the titles generated people get; the leadership seats before
// them belong to the demo logins.
var staffPositions = positions[5:]

var positionIDs = func() map[string]int64 {
	m := make(map[string]int64, len(positions))
	for i, p := range positions {
		m[p] = int64(i + 1)
	}
	return m
}()

// positionID is a title's seat ID; titles outside the list get a stable hash.
func positionID(title string) int64 {
	if id, ok := positionIDs[title]; ok {
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(title))
	return 1000 + int64(h.Sum32()%100000)
}

var groupNames = []string{
	"Sales", "Marketing", "Engineering", "Finance", "Operations",
	"Customer Success", "People", "Product", "Logistics", "Legal",
}

var teamNames = []string{
	"Leadership Team", "Sales L10", "Engineering L10", "Operations L10", "Marketing Weekly",
	"Finance Weekly", "Product Sync",
}

var measurableNames = []string{
	"Weekly Revenue", "New Leads", "Qualified Opportunities", "Churned Accounts", "Open Support Tickets",
	"Net Promoter Score", "Cash on Hand", "On-time Deliveries", "Hiring Pipeline", "Website Visits",
}
