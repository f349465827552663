import { formatSpan, inDailySpan, localDate } from './zoned-time';
import { sameSurname } from './surname';
import { Facts, Finding, isChartAccess, MAX_EVIDENCE, Rule, RuleName, Severity, Thresholds, TrailEvent } from './anomaly-model';

/**
 * The snooping-detection rules, as pure code over the audit trail: each rule observes the events of a time window
 * one by one (in chain order) and then reports its findings, each with the sequence numbers of the rows that are
 * its evidence. They look only at facts the trail and the directory hold (who, which patient, when, under which
 * relation), the way a privacy officer's review works (HIPAA 164.308(a)(1)(ii)(D) information system activity
 * review; 164.312(b) audit controls). A finding is a lead for a human review, not a verdict.
 *
 * The service (anomaly.service.ts) feeds the events and the facts; the thresholds come from configuration.
 */

export * from './anomaly-model';

/** Evidence rows grouped under one key (e.g. one user and one patient). */
class Groups<X> {
  private readonly groups = new Map<string, { actorId: number | null; patientId: number | null; seqs: number[]; first: string; last: string; extra: X }>();
  constructor(private readonly init: () => X) {}

  add(key: string, e: TrailEvent, actorId: number | null, patientId: number | null): X {
    let g = this.groups.get(key);
    if (!g) {
      g = { actorId, patientId, seqs: [], first: e.at, last: e.at, extra: this.init() };
      this.groups.set(key, g);
    }
    g.seqs.push(e.seq);
    if (e.at < g.first) g.first = e.at;
    if (e.at > g.last) g.last = e.at;
    return g.extra;
  }

  map(fn: (g: { actorId: number | null; patientId: number | null; seqs: number[]; first: string; last: string; extra: X }) => Finding | null): Finding[] {
    const out: Finding[] = [];
    for (const g of this.groups.values()) {
      const f = fn(g);
      if (f) out.push(f);
    }
    return out;
  }
}

function finding(rule: RuleName, severity: Severity, g: { actorId: number | null; patientId: number | null; seqs: number[]; first: string; last: string }, summary: string, details: Record<string, unknown> = {}): Finding {
  return {
    rule, severity, actorId: g.actorId, patientId: g.patientId, firstAt: g.first, lastAt: g.last, summary,
    evidence: g.seqs.slice(0, MAX_EVIDENCE), details: { events: g.seqs.length, ...details },
  };
}

function who(facts: Facts, id: number | null): string {
  if (id === null) return 'an unknown user';
  const u = facts.user(id);
  return u ? `${u.username} (${u.role})` : `user ${id}`;
}

const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/** Workforce member opening the chart of a patient who shares their surname: a relative, or a namesake to check. */
export function sameSurnameRule(): Rule {
  const groups = new Groups(() => ({}));
  return {
    name: 'same-surname',
    title: 'Workforce member opened a patient with the same surname',
    observe(e, facts) {
      if (!isChartAccess(e)) return;
      const patient = facts.patient(e.patientId);
      const user = facts.user(e.actorId);
      if (!patient || !user || patient.linkedUserId === e.actorId) return; // one's own record: see own-or-coworker-record
      if (sameSurname(user.surname, patient.familyName)) groups.add(`${e.actorId}|${e.patientId}`, e, e.actorId, e.patientId);
    },
    findings(facts) {
      return groups.map((g) => {
        const surname = facts.patient(g.patientId!)?.familyName;
        return finding('same-surname', 'high', g, `${who(facts, g.actorId)} opened patient ${g.patientId}, who shares the surname ${surname}, ${times(g.seqs.length)}`, { surname });
      });
    },
  };
}

/**
 * A VIP chart opened by someone who was not on the care team at that moment (with or without break-the-glass).
 * VIP records draw curiosity; every opening outside the care relation gets a look.
 */
export function vipRule(): Rule {
  const groups = new Groups(() => ({ breakGlass: 0 }));
  return {
    name: 'vip-without-care-relation',
    title: 'VIP record opened without a care relation',
    observe(e, facts) {
      if (!isChartAccess(e)) return;
      const patient = facts.patient(e.patientId);
      if (!patient?.vip || patient.linkedUserId === e.actorId) return;
      if (facts.onCareTeam(e.patientId, e.actorId, e.at)) return;
      const x = groups.add(`${e.actorId}|${e.patientId}`, e, e.actorId, e.patientId);
      if (e.breakGlass) x.breakGlass += 1;
    },
    findings(facts) {
      return groups.map((g) =>
        finding('vip-without-care-relation', 'high', g,
          `${who(facts, g.actorId)} opened VIP patient ${g.patientId} without being on the care team, ${times(g.seqs.length)}` +
            (g.extra.breakGlass ? ` (${g.extra.breakGlass} under break-the-glass)` : ''),
          { breakGlassAccesses: g.extra.breakGlass }),
      );
    },
  };
}

/** Chart accesses in the after-hours span of local time, one finding per user and local date. */
export function afterHoursRule(t: Thresholds): Rule {
  const groups = new Groups(() => ({ patients: new Set<number>(), outsideCareTeam: new Set<number>() }));
  return {
    name: 'after-hours',
    title: 'Chart access after hours',
    observe(e, facts) {
      if (!isChartAccess(e)) return;
      if (!inDailySpan(e.local.hour * 60 + e.local.minute, t.afterHours)) return;
      const date = localDate(e.local);
      const x = groups.add(`${e.actorId}|${date}`, e, e.actorId, null);
      x.patients.add(e.patientId);
      if (!facts.onCareTeam(e.patientId, e.actorId, e.at)) x.outsideCareTeam.add(e.patientId);
    },
    findings(facts) {
      return groups.map((g) => {
        const patients = [...g.extra.patients];
        const outside = [...g.extra.outsideCareTeam];
        const one = patients.length === 1 ? patients[0] : null;
        return {
          ...finding('after-hours', outside.length > 0 ? 'medium' : 'low', g,
            `${who(facts, g.actorId)} opened ${patients.length === 1 ? `patient ${patients[0]}` : `${patients.length} patients`} between ` +
              `${formatSpan(t.afterHours)} (${t.timeZone})${outside.length ? `, ${outside.length} of them outside the care team` : ''}`,
            { timeZone: t.timeZone, span: formatSpan(t.afterHours), patients, outsideCareTeam: outside }),
          patientId: one,
        };
      });
    },
  };
}

/** More distinct patients within one local clock hour than the role's threshold. */
export function unusualVolumeRule(t: Thresholds): Rule {
  const groups = new Map<string, { actorId: number; role: string; hour: string; firstSeq: Map<number, number>; first: string; last: string }>();
  return {
    name: 'unusual-volume',
    title: 'Unusual volume: many distinct patients within an hour',
    observe(e) {
      if (!isChartAccess(e)) return;
      const hour = `${localDate(e.local)}T${String(e.local.hour).padStart(2, '0')}`;
      const key = `${e.actorId}|${hour}`;
      let g = groups.get(key);
      if (!g) {
        g = { actorId: e.actorId, role: e.actorRole ?? '', hour, firstSeq: new Map(), first: e.at, last: e.at };
        groups.set(key, g);
      }
      if (!g.firstSeq.has(e.patientId)) g.firstSeq.set(e.patientId, e.seq);
      if (e.at < g.first) g.first = e.at;
      if (e.at > g.last) g.last = e.at;
    },
    findings(facts) {
      const out: Finding[] = [];
      for (const g of groups.values()) {
        const limit = t.volumePerHourByRole[g.role] ?? t.volumePerHour;
        const n = g.firstSeq.size;
        if (n <= limit) continue;
        out.push(finding('unusual-volume', 'medium', { actorId: g.actorId, patientId: null, seqs: [...g.firstSeq.values()], first: g.first, last: g.last },
          `${who(facts, g.actorId)} opened ${n} distinct patients in the hour from ${g.hour}:00 (${t.timeZone}); the threshold for ${g.role} is ${limit}`,
          { distinctPatients: n, threshold: limit, hour: `${g.hour}:00`, timeZone: t.timeZone, evidenceIs: 'the first access to each patient' }));
      }
      return out;
    },
  };
}

/**
 * A workforce member opening their own chart (through the clinical system rather than the patient portal), or a
 * coworker's: a patient linked to another workforce account, when the reader was not on that patient's care team.
 */
export function ownOrCoworkerRule(): Rule {
  const groups = new Groups(() => ({ kind: 'own' as 'own' | 'coworker', coworker: null as number | null }));
  return {
    name: 'own-or-coworker-record',
    title: 'Workforce member opened their own or a coworker\'s record',
    observe(e, facts) {
      if (!isChartAccess(e)) return;
      const linked = facts.patient(e.patientId)?.linkedUserId ?? null;
      if (linked === null) return;
      if (linked === e.actorId) {
        groups.add(`${e.actorId}|${e.patientId}`, e, e.actorId, e.patientId).kind = 'own';
        return;
      }
      const coworker = facts.user(linked);
      if (!coworker || coworker.role === 'patient') return;
      if (facts.onCareTeam(e.patientId, e.actorId, e.at)) return;
      const x = groups.add(`${e.actorId}|${e.patientId}`, e, e.actorId, e.patientId);
      x.kind = 'coworker';
      x.coworker = linked;
    },
    findings(facts) {
      return groups.map((g) =>
        g.extra.kind === 'own'
          ? finding('own-or-coworker-record', 'medium', g, `${who(facts, g.actorId)} opened their own record (patient ${g.patientId}) ${times(g.seqs.length)}`, { kind: 'own' })
          : finding('own-or-coworker-record', 'high', g,
            `${who(facts, g.actorId)} opened the record of coworker ${who(facts, g.extra.coworker)} (patient ${g.patientId}) without being on the care team, ${times(g.seqs.length)}`,
            { kind: 'coworker', coworkerUserId: g.extra.coworker }),
      );
    },
  };
}

/** One user refused at least `denialsThreshold` times within `denialsWindowMinutes` (any refusal: a chart, a route). */
export function repeatedDenialsRule(t: Thresholds): Rule {
  const byActor = new Map<number, TrailEvent[]>();
  return {
    name: 'repeated-denials',
    title: 'Repeated denials for one user',
    observe(e) {
      if (e.outcome !== 'denied' || e.actorId === null) return;
      let list = byActor.get(e.actorId);
      if (!list) byActor.set(e.actorId, (list = []));
      list.push(e);
    },
    findings(facts) {
      const out: Finding[] = [];
      const windowMs = t.denialsWindowMinutes * 60_000;
      for (const [actorId, all] of byActor) {
        const list = [...all].sort((a, b) => a.ms - b.ms || a.seq - b.seq);
        // The densest window: two pointers over the denials in time order.
        let best = { from: 0, to: -1 };
        for (let i = 0, j = 0; j < list.length; j++) {
          while (list[j].ms - list[i].ms >= windowMs) i++;
          if (j - i > best.to - best.from) best = { from: i, to: j };
        }
        const n = best.to - best.from + 1;
        if (n < t.denialsThreshold) continue;
        const burst = list.slice(best.from, best.to + 1);
        const patients = [...new Set(burst.map((e) => e.patientId).filter((p): p is number => p !== null))];
        out.push(finding('repeated-denials', 'medium',
          { actorId, patientId: patients.length === 1 ? patients[0] : null, seqs: burst.map((e) => e.seq), first: burst[0].at, last: burst[burst.length - 1].at },
          `${who(facts, actorId)} was refused ${n} times within ${t.denialsWindowMinutes} minutes (threshold ${t.denialsThreshold})`,
          { denialsInWindow: n, denialsTotal: list.length, windowMinutes: t.denialsWindowMinutes, threshold: t.denialsThreshold, patients }));
      }
      return out;
    },
  };
}

/** The event-driven rules, in the order they are reported. */
export function eventRules(t: Thresholds): Rule[] {
  return [sameSurnameRule(), vipRule(), ownOrCoworkerRule(), afterHoursRule(t), unusualVolumeRule(t), repeatedDenialsRule(t)];
}

/** A break-the-glass grant as the review rule needs it. */
export interface GrantFacts {
  id: number;
  userId: number;
  patientId: number;
  grantedAt: string;
  reviewedAt: string | null;
  reviewOutcome: string | null;
}

/**
 * Break-the-glass grants not reviewed within the allowed hours: still unreviewed when the time ran out, or
 * reviewed late. The emergency-access procedure (164.312(a)(2)(ii)) only holds if every override is reviewed.
 */
export function unreviewedBreakGlass(grants: GrantFacts[], now: string, hours: number): { grant: GrantFacts; late: boolean; hoursToReview: number | null }[] {
  const limitMs = hours * 3_600_000;
  const nowMs = new Date(now).getTime();
  const out: { grant: GrantFacts; late: boolean; hoursToReview: number | null }[] = [];
  for (const g of grants) {
    const granted = new Date(g.grantedAt).getTime();
    if (g.reviewedAt === null) {
      if (nowMs - granted > limitMs) out.push({ grant: g, late: false, hoursToReview: null });
    } else {
      const took = new Date(g.reviewedAt).getTime() - granted;
      if (took > limitMs) out.push({ grant: g, late: true, hoursToReview: Math.round((took / 3_600_000) * 10) / 10 });
    }
  }
  return out;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first, then oldest first, then by rule and evidence (a stable order for the same trail). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.firstAt.localeCompare(b.firstAt) ||
      a.rule.localeCompare(b.rule) || (a.evidence[0] ?? 0) - (b.evidence[0] ?? 0),
  );
}

/** `physician=30,nurse=30` -> { physician: 30, nurse: 30 } (validated at boot by env.schema.ts). */
export function parseRoleLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [role, n] = pair.split('=');
    out[role] = Number(n);
  }
  return out;
}
