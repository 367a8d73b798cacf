/*
 * logsrc.c -- Sigma log sources: which events a rule's logsource names
 * (SPEC §4), which class an event belongs to, and the wanted set the
 * readers decode for the loaded rules.
 *
 * Events fall into classes, a fine partition every Windows logsource
 * SigmaHQ uses is a union of: one per Sysmon event id (12 split by
 * EventType as registry_add / registry_delete need), 4688, the rest of
 * the Security channel, PowerShell 4103 / 4104 / the rest, Windows
 * PowerShell 400 / 600 / 800 / the rest, and one per other channel
 * group.  Categories map as SigmaHQ's own test mapping (tests/thor.yml)
 * maps them (Sysmon event ids; ps_* by channel and id), services as its
 * channel list and pySigma's windows_logsource_mapping (the services
 * thor.yml lacks: dns-server, driver-framework, ...).  Sysmon events are
 * recognised by provider, as the built-in kinds are; the others by
 * channel.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../ev_util.h"
#include "sigma_int.h"

#define NCHAN	4

/* Services beside sysmon, security, powershell and powershell-classic. */
static const struct service {
	const char	*name;
	const char	*chan[NCHAN];
} services[] = {
	{ "system", { "System" } },
	{ "application", { "Application" } },
	{ "taskscheduler", { "Microsoft-Windows-TaskScheduler/Operational" } },
	{ "wmi", { "Microsoft-Windows-WMI-Activity/Operational" } },
	{ "windefend", { "Microsoft-Windows-Windows Defender/Operational" } },
	{ "codeintegrity-operational",
	    { "Microsoft-Windows-CodeIntegrity/Operational" } },
	{ "appxdeployment-server",
	    { "Microsoft-Windows-AppXDeploymentServer/Operational" } },
	{ "appxpackaging-om", { "Microsoft-Windows-AppxPackaging/Operational" } },
	{ "appmodel-runtime", { "Microsoft-Windows-AppModel-Runtime/Admin" } },
	{ "firewall-as", { "Microsoft-Windows-Windows Firewall With "
	    "Advanced Security/Firewall" } },
	{ "bits-client", { "Microsoft-Windows-Bits-Client/Operational" } },
	{ "dns-client", { "Microsoft-Windows-DNS Client Events/Operational" } },
	{ "dns-server", { "DNS Server" } },
	{ "dns-server-audit", { "Microsoft-Windows-DNS-Server/Audit" } },
	{ "dns-server-analytic", { "Microsoft-Windows-DNS-Server/Analytical" } },
	{ "driver-framework",
	    { "Microsoft-Windows-DriverFrameworks-UserMode/Operational" } },
	{ "dhcp", { "Microsoft-Windows-DHCP-Server/Operational" } },
	{ "ntlm", { "Microsoft-Windows-NTLM/Operational" } },
	{ "msexchange-management", { "MSExchange Management" } },
	{ "applocker", { "Microsoft-Windows-AppLocker/MSI and Script",
	    "Microsoft-Windows-AppLocker/EXE and DLL",
	    "Microsoft-Windows-AppLocker/Packaged app-Deployment",
	    "Microsoft-Windows-AppLocker/Packaged app-Execution" } },
	{ "printservice-admin", { "Microsoft-Windows-PrintService/Admin" } },
	{ "printservice-operational",
	    { "Microsoft-Windows-PrintService/Operational" } },
	{ "smbclient-security", { "Microsoft-Windows-SmbClient/Security" } },
	{ "smbclient-connectivity",
	    { "Microsoft-Windows-SmbClient/Connectivity" } },
	{ "smbserver-connectivity",
	    { "Microsoft-Windows-SMBServer/Connectivity" } },
	{ "terminalservices-localsessionmanager",
	    { "Microsoft-Windows-TerminalServices-LocalSessionManager/"
	    "Operational" } },
	{ "security-mitigations",
	    { "Microsoft-Windows-Security-Mitigations/Kernel Mode",
	    "Microsoft-Windows-Security-Mitigations/User Mode" } },
	{ "diagnosis-scripted",
	    { "Microsoft-Windows-Diagnosis-Scripted/Operational" } },
	{ "shell-core", { "Microsoft-Windows-Shell-Core/Operational" } },
	{ "openssh", { "OpenSSH/Operational" } },
	{ "ldap", { "Microsoft-Windows-LDAP-Client/Debug" } },
	{ "ldap_debug", { "Microsoft-Windows-LDAP-Client/Debug" } },
	{ "bitlocker", { "Microsoft-Windows-BitLocker/BitLocker Management" } },
	{ "vhdmp", { "Microsoft-Windows-VHDMP/Operational" } },
	{ "lsa-server", { "Microsoft-Windows-LSA/Operational" } },
	{ "capi2", { "Microsoft-Windows-CAPI2/Operational" } },
	{ "certificateservicesclient-lifecycle-system",
	    { "Microsoft-Windows-CertificateServicesClient-Lifecycle-System/"
	    "Operational" } },
	{ "kernel-shimengine", { "Microsoft-Windows-Kernel-ShimEngine/"
	    "Operational", "Microsoft-Windows-Kernel-ShimEngine/Diagnostic" } },
	{ "application-experience",
	    { "Microsoft-Windows-Application-Experience/Program-Telemetry",
	    "Microsoft-Windows-Application-Experience/"
	    "Program-Compatibility-Assistant" } },
	{ "ntfs", { "Microsoft-Windows-Ntfs/Operational" } },
	{ "hyper-v-worker", { "Microsoft-Windows-Hyper-V-Worker" } },
	{ "kernel-event-tracing", { "Microsoft-Windows-Kernel-EventTracing" } },
	{ "sense", { "Microsoft-Windows-SENSE/Operational" } },
	{ "servicebus-client", { "Microsoft-ServiceBus-Client/Admin",
	    "Microsoft-ServiceBus-Client/Operational" } },
	{ "microsoft-servicebus-client", { "Microsoft-ServiceBus-Client" } },
	{ "iis-configuration", { "Microsoft-IIS-Configuration/Operational" } },
};

static const char *const ps_chan[NCHAN] = {
	"Microsoft-Windows-PowerShell/Operational",
	"PowerShellCore/Operational",
};
static const char *const psc_chan[NCHAN] = { "Windows PowerShell" };
static const char *const sec_chan[NCHAN] = { "Security" };

/* Categories: the classes each names (tests/thor.yml). */
static const struct category {
	const char	*name;
	uint8_t		 cls[6];	/* 0-terminated */
} categories[] = {
	{ "process_creation", { LS_SYSMON(1), LS_4688 } },
	{ "file_change", { LS_SYSMON(2) } },
	{ "network_connection", { LS_SYSMON(3) } },
	{ "sysmon_status", { LS_SYSMON(4), LS_SYSMON(16) } },
	{ "process_termination", { LS_SYSMON(5) } },
	{ "driver_load", { LS_SYSMON(6) } },
	{ "image_load", { LS_SYSMON(7) } },
	{ "create_remote_thread", { LS_SYSMON(8) } },
	{ "raw_access_thread", { LS_SYSMON(9) } },
	{ "process_access", { LS_SYSMON(10) } },
	{ "file_event", { LS_SYSMON(11) } },
	{ "registry_event", { LS_SYSMON(12), LS_SYSMON_12_ADD,
	    LS_SYSMON_12_DEL, LS_SYSMON(13), LS_SYSMON(14) } },
	{ "registry_add", { LS_SYSMON_12_ADD } },
	{ "registry_delete", { LS_SYSMON_12_DEL } },
	{ "registry_set", { LS_SYSMON(13) } },
	{ "registry_rename", { LS_SYSMON(14) } },
	{ "create_stream_hash", { LS_SYSMON(15) } },
	{ "pipe_created", { LS_SYSMON(17), LS_SYSMON(18) } },
	{ "wmi_event", { LS_SYSMON(19), LS_SYSMON(20), LS_SYSMON(21) } },
	{ "dns_query", { LS_SYSMON(22) } },
	{ "file_delete", { LS_SYSMON(23) } },
	{ "clipboard_change", { LS_SYSMON(24) } },
	{ "process_tampering", { LS_SYSMON(25) } },
	{ "file_delete_detected", { LS_SYSMON(26) } },
	{ "file_block_executable", { LS_SYSMON(27) } },
	{ "file_block_shredding", { LS_SYSMON(28) } },
	{ "file_executable_detected", { LS_SYSMON(29) } },
	{ "sysmon_error", { LS_SYSMON_255 } },
	{ "ps_module", { LS_PS_4103 } },
	{ "ps_script", { LS_PS_4104 } },
	{ "ps_classic_start", { LS_PSC_400 } },
	{ "ps_classic_provider_start", { LS_PSC_600 } },
	{ "ps_classic_script", { LS_PSC_800 } },
};

static void
add(struct sigma_srcset *s, unsigned c)
{
	s->w[c >> 6] |= (uint64_t)1 << (c & 63);
}

static void
add_range(struct sigma_srcset *s, unsigned from, unsigned to)
{
	for (unsigned c = from; c <= to; c++)
		add(s, c);
}

/* The classes of a service, false when it is not known. */
static bool
service_classes(const char *svc, struct sigma_srcset *s)
{
	if (strcasecmp(svc, "sysmon") == 0) {
		add_range(s, LS_SYSMON(1), LS_SYSMON_12_DEL);
		return true;
	}
	if (strcasecmp(svc, "security") == 0) {
		add(s, LS_4688);
		add(s, LS_SECURITY);
		return true;
	}
	if (strcasecmp(svc, "powershell") == 0) {
		add_range(s, LS_PS_4103, LS_PS_OTHER);
		return true;
	}
	if (strcasecmp(svc, "powershell-classic") == 0) {
		add_range(s, LS_PSC_400, LS_PSC_OTHER);
		return true;
	}
	for (size_t i = 0; i < NELEM(services); i++)
		if (strcasecmp(svc, services[i].name) == 0) {
			add(s, LS_SERVICE + (unsigned)i);
			return true;
		}
	return false;
}

int
sigma_logsource(const char *product, const char *category,
    const char *service, struct sigma_srcset *out)
{
	struct sigma_srcset c = { { 0, 0 } }, sv = { { 0, 0 } };

	memset(out, 0, sizeof(*out));
	if (product == NULL || strcasecmp(product, "windows") != 0)
		return -1;
	if (category == NULL && service == NULL)
		return -1;
	if (category != NULL) {
		size_t i;

		for (i = 0; i < NELEM(categories); i++)
			if (strcasecmp(category, categories[i].name) == 0)
				break;
		if (i == NELEM(categories))
			return -1;
		for (size_t k = 0; categories[i].cls[k] != 0; k++)
			add(&c, categories[i].cls[k]);
	}
	if (service != NULL && !service_classes(service, &sv))
		return -1;
	if (category != NULL && service != NULL) {
		out->w[0] = c.w[0] & sv.w[0];
		out->w[1] = c.w[1] & sv.w[1];
	} else
		*out = category != NULL ? c : sv;
	return out->w[0] == 0 && out->w[1] == 0 ? -1 : 0;
}

/* ---- events to classes ---- */

#define CHAN_SLOTS	256

static struct chan_slot {
	const char	*name;
	size_t		 len;
	uint8_t		 cls;	/* LS_SECURITY, LS_PS_OTHER, ... */
} chan_table[CHAN_SLOTS];
static pthread_once_t chan_once = PTHREAD_ONCE_INIT;

static uint32_t
chan_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ ((unsigned char)s[i] | 0x20)) * 16777619u;
	return h & (CHAN_SLOTS - 1);
}

static void
chan_put(const char *name, uint8_t cls)
{
	size_t n = strlen(name);
	uint32_t h = chan_hash(name, n);

	while (chan_table[h].name != NULL) {
		if (chan_table[h].len == n &&
		    strcasecmp(chan_table[h].name, name) == 0)
			return;	/* the first service naming it keeps it */
		h = (h + 1) & (CHAN_SLOTS - 1);
	}
	chan_table[h].name = name;
	chan_table[h].len = n;
	chan_table[h].cls = cls;
}

static void
chan_build(void)
{
	for (size_t k = 0; k < NCHAN; k++) {
		if (sec_chan[k] != NULL)
			chan_put(sec_chan[k], LS_SECURITY);
		if (ps_chan[k] != NULL)
			chan_put(ps_chan[k], LS_PS_OTHER);
		if (psc_chan[k] != NULL)
			chan_put(psc_chan[k], LS_PSC_OTHER);
	}
	for (size_t i = 0; i < NELEM(services); i++)
		for (size_t k = 0; k < NCHAN && services[i].chan[k]; k++)
			chan_put(services[i].chan[k],
			    (uint8_t)(LS_SERVICE + i));
}

static unsigned
chan_class(const char *chan)
{
	size_t n = strlen(chan);
	uint32_t h = chan_hash(chan, n);

	pthread_once(&chan_once, chan_build);
	for (; chan_table[h].name != NULL; h = (h + 1) & (CHAN_SLOTS - 1))
		if (chan_table[h].len == n &&
		    strcasecmp(chan_table[h].name, chan) == 0)
			return chan_table[h].cls;
	return LS_NONE;
}

unsigned
sigma_event_class(const struct ev_event *ev)
{
	const char *prov = ev_col(ev, EV_COL_PROVIDER);
	const char *chan = ev_col(ev, EV_COL_CHANNEL);
	uint32_t id = ev->event_id;
	unsigned c;

	switch (ev->kind) {
	case EV_KIND_PROCESS:
		return id == 4688 ? LS_4688 : id == 1 ? LS_SYSMON(1) : LS_NONE;
	case EV_KIND_NETWORK:
		return id == 3 ? LS_SYSMON(3) : LS_NONE;
	case EV_KIND_IMAGE_LOAD:
		return id == 7 ? LS_SYSMON(7) : LS_NONE;
	}
	if (prov != NULL && strcasecmp(prov, EV_PROVIDER_SYSMON) == 0) {
		if (id == 12) {
			const char *t = ev_data(ev, "EventType");

			if (t != NULL && strcasecmp(t, "CreateKey") == 0)
				return LS_SYSMON_12_ADD;
			if (t != NULL && (strcasecmp(t, "DeleteKey") == 0 ||
			    strcasecmp(t, "DeleteValue") == 0))
				return LS_SYSMON_12_DEL;
		}
		return id >= 1 && id <= 29 ? LS_SYSMON(id) :
		    id == 255 ? LS_SYSMON_255 : LS_SYSMON_OTHER;
	}
	if (chan == NULL || (c = chan_class(chan)) == LS_NONE)
		return LS_NONE;
	switch (c) {
	case LS_PS_OTHER:
		return id == 4103 ? LS_PS_4103 : id == 4104 ? LS_PS_4104 : c;
	case LS_PSC_OTHER:
		return id == 400 ? LS_PSC_400 : id == 600 ? LS_PSC_600 :
		    id == 800 ? LS_PSC_800 : c;
	}
	return c;
}

/* ---- the wanted set ---- */

#define MAX_IDS	SIGMA_MAX_IDS

/* Event ids a rule can fire on: all, or the n in v. */
struct idset {
	bool		 all;
	uint32_t	 n;
	uint32_t	 v[MAX_IDS];
};

static void
ids_all(struct idset *s)
{
	s->all = true;
	s->n = 0;
}

static void
ids_add(struct idset *s, uint32_t id)
{
	if (s->all)
		return;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	if (s->n == MAX_IDS)
		ids_all(s);
	else
		s->v[s->n++] = id;
}

/* An item on EventID whose every test is an equality with a number. */
static bool
item_ids(const struct sigma_set *set, const struct item *it,
    struct idset *out)
{
	if (it->field == ITEM_KEYWORD || it->all ||
	    strcmp(set->fields[it->field].name, "EventID") != 0)
		return false;
	for (uint32_t k = 0; k < it->ntests; k++) {
		const struct test *t = &it->tests[k];
		char *end;
		unsigned long v;

		if (t->kind != T_EQ || t->lit == NULL || t->len == 0 ||
		    t->len > 10 || t->lit[0] < '0' || t->lit[0] > '9')
			return false;
		v = strtoul(t->lit, &end, 10);
		if (end != t->lit + t->len || v > UINT32_MAX)
			return false;
	}
	out->all = false;
	out->n = 0;
	for (uint32_t k = 0; k < it->ntests; k++)
		ids_add(out, (uint32_t)strtoul(it->tests[k].lit, NULL, 10));
	return true;
}

/*
 * The ids node can be true on (a superset): an EventID item's numbers,
 * an AND's first constrained kid, an OR's union; anything else all.
 */
static void
node_ids(const struct sigma_set *set, const struct node *nd,
    struct idset *out)
{
	struct idset *k;

	ids_all(out);
	switch (nd->op) {
	case N_ITEM:
		(void)item_ids(set, nd->item, out);
		return;
	case N_AND:
		if ((k = malloc(sizeof(*k))) == NULL)
			return;	/* all: a superset */
		for (uint32_t i = 0; i < nd->n; i++) {
			node_ids(set, nd->kid[i], k);
			if (!k->all) {
				*out = *k;
				break;
			}
		}
		free(k);
		return;
	case N_OR:
		if ((k = malloc(sizeof(*k))) == NULL)
			return;
		out->all = false;
		for (uint32_t i = 0; i < nd->n && !out->all; i++) {
			node_ids(set, nd->kid[i], k);
			if (k->all)
				ids_all(out);
			for (uint32_t j = 0; j < k->n; j++)
				ids_add(out, k->v[j]);
		}
		free(k);
		return;
	}
}

bool
sigma_rule_ids(const struct sigma_set *set, const struct node *root,
    uint32_t *ids, uint32_t *n)
{
	struct idset *k = malloc(sizeof(*k));
	bool some = false;

	*n = 0;
	if (k == NULL)
		return false;	/* any: a superset */
	node_ids(set, root, k);
	/* (no id at all is taken as any: the rule is left to matching) */
	if (!k->all && k->n > 0) {
		memcpy(ids, k->v, k->n * sizeof(*ids));
		*n = k->n;
		some = true;
	}
	free(k);
	return some;
}

static int
want_chans(const char *const *chan, uint32_t id)
{
	int rc;

	for (size_t k = 0; k < NCHAN && chan[k] != NULL; k++)
		if ((rc = ev_want_add(chan[k], true, id)) != 0)
			return rc;
	return 0;
}

/* Class c's pairs for a rule that can fire on ids. */
static int
want_class(unsigned c, const struct idset *ids)
{
	const char *const *chan = NULL;
	int rc;

	if (c == LS_4688)
		return 0;	/* a built-in kind */
	if (c >= LS_SYSMON(1) && c <= LS_SYSMON(29))
		return ev_want_add(EV_PROVIDER_SYSMON, false, c);
	if (c == LS_SYSMON_12_ADD || c == LS_SYSMON_12_DEL)
		return ev_want_add(EV_PROVIDER_SYSMON, false, 12);
	if (c == LS_SYSMON_255)
		return ev_want_add(EV_PROVIDER_SYSMON, false, 255);
	if (c == LS_PS_4103 || c == LS_PS_4104)
		return want_chans(ps_chan, c == LS_PS_4103 ? 4103 : 4104);
	if (c == LS_PSC_400 || c == LS_PSC_600 || c == LS_PSC_800)
		return want_chans(psc_chan, c == LS_PSC_400 ? 400 :
		    c == LS_PSC_600 ? 600 : 800);
	if (c == LS_SECURITY)
		chan = sec_chan;
	else if (c == LS_PS_OTHER)
		chan = ps_chan;
	else if (c == LS_PSC_OTHER)
		chan = psc_chan;
	else if (c >= LS_SERVICE && c - LS_SERVICE < NELEM(services))
		chan = services[c - LS_SERVICE].chan;
	if (ids->all) {
		if (c == LS_SYSMON_OTHER)
			return ev_want_add(EV_PROVIDER_SYSMON, false,
			    EV_WANT_ANY);
		return chan != NULL ? want_chans(chan, EV_WANT_ANY) : 0;
	}
	for (uint32_t i = 0; i < ids->n; i++) {
		if (c == LS_SYSMON_OTHER)
			rc = ev_want_add(EV_PROVIDER_SYSMON, false, ids->v[i]);
		else
			rc = chan != NULL ? want_chans(chan, ids->v[i]) : 0;
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
sigma_want_install(const struct sigma_set *set)
{
	struct idset *ids;
	int rc = 0;

	ev_want_reset();
	if ((ids = malloc(sizeof(*ids))) == NULL)
		return EV_ENOMEM;
	for (size_t r = 0; r < set->nrules && rc == 0; r++) {
		const struct sigma_rule *ru = set->rules[r];

		if (ru->status != SIGMA_LOADED || ru->compiled == NULL)
			continue;
		node_ids(set, ru->compiled->root, ids);
		for (unsigned c = 1; c < LS_MAX && rc == 0; c++)
			if (sigma_srcset_has(&ru->sources, c))
				rc = want_class(c, ids);
	}
	free(ids);
	return rc;
}
