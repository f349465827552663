import fc from 'fast-check';
import { answerOptions, namesDiagnosis, queryAgeing, QueryInput, queryProblems, QUERY_KINDS, QUERY_TOPICS, YES_NO_TOPICS } from './query-rules';

const fields = (q: QueryInput) => queryProblems(q).map((p) => p.field);

/** Neutral clinical words: no diagnosis, no money, no leading phrase. */
const WORDS = ['based', 'on', 'the', 'clinical', 'indicators', 'below', 'clarify', 'condition', 'monitored', 'treated', 'values', 'significance', 'findings', 'day', 'two'];
const neutral = fc.array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 12 }).map((w) => `${w.join(' ')}?`);
const indicator = fc.array(fc.constantFrom('Hemoglobin 6.9 g/dL', 'Lactate 4.1 mmol/L', 'BMI 16.8', 'Sodium 128 mmol/L', 'Transfused 2 units'), { minLength: 1, maxLength: 4 });
const FINANCIAL = ['DRG', 'MS-DRG', 'reimbursement', 'payment', 'case mix', 'CMI', 'revenue', 'financial impact', 'billing', 'insurance', 'MCC', '$ 5000'];
const DIAGNOSES = ['sepsis', 'acute respiratory failure', 'malnutrition', 'encephalopathy', 'acute kidney injury', 'heart failure', 'J96.01', 'E43'];
const LEADING = ['Please document', 'Do you agree that', 'Can you confirm', 'please add'];
const insertAt = (text: string, word: string, at: number) => {
  const parts = text.split(' ');
  const i = at % (parts.length + 1);
  return [...parts.slice(0, i), word, ...parts.slice(i)].join(' ');
};

describe('compliant provider queries (AHIMA/ACDIS)', () => {
  it('accepts open-ended and multiple-choice queries made of neutral words with indicators', () => {
    fc.assert(fc.property(neutral, indicator, (question, clinicalIndicators) => {
      expect(queryProblems({ kind: 'open-ended', question, clinicalIndicators })).toEqual([]);
      expect(queryProblems({ kind: 'multiple-choice', question, clinicalIndicators, options: ['Acute blood loss anemia', 'Anemia of chronic disease'] })).toEqual([]);
    }));
  });

  it('refuses any mention of financial impact, in the question, an option or an indicator, naming that field', () => {
    fc.assert(fc.property(neutral, indicator, fc.constantFrom(...FINANCIAL), fc.nat(), fc.constantFrom('question', 'option', 'indicator'), (question, clinicalIndicators, money, at, where) => {
      const q: QueryInput = { kind: 'multiple-choice', question, clinicalIndicators, options: ['Type 1', 'Type 2'] };
      if (where === 'question') q.question = insertAt(question, money, at);
      if (where === 'option') q.options = ['Type 1', insertAt('Type 2', money, at)];
      if (where === 'indicator') q.clinicalIndicators = [...clinicalIndicators, insertAt('noted on day 2', money, at)];
      const expected = where === 'question' ? 'question' : where === 'option' ? 'options.1' : `clinicalIndicators.${clinicalIndicators.length}`;
      expect(fields(q)).toContain(expected);
    }));
  });

  it('refuses a query naming a diagnosis without clinical indicators (field clinicalIndicators), accepts it with them', () => {
    fc.assert(fc.property(neutral, fc.constantFrom(...DIAGNOSES), fc.nat(), indicator, (question, dx, at, clinicalIndicators) => {
      const named = insertAt(question, dx, at);
      expect(fields({ kind: 'open-ended', question: named, clinicalIndicators: [] })).toEqual(['clinicalIndicators']);
      expect(fields({ kind: 'open-ended', question: named, clinicalIndicators: ['  '] })).toEqual(['clinicalIndicators']);
      expect(fields({ kind: 'open-ended', question: named, clinicalIndicators })).toEqual([]);
      expect(fields({ kind: 'multiple-choice', question, clinicalIndicators: [], options: [dx, 'Other diagnosis'] })).toEqual(['clinicalIndicators']);
    }));
  });

  it('refuses leading phrasing in the question', () => {
    fc.assert(fc.property(neutral, fc.constantFrom(...LEADING), indicator, (question, lead, clinicalIndicators) => {
      expect(fields({ kind: 'open-ended', question: `${lead} ${question}`, clinicalIndicators })).toContain('question');
    }));
  });

  it('allows yes/no only for its allowed uses, never to introduce a diagnosis', () => {
    fc.assert(fc.property(neutral, indicator, fc.constantFrom(...QUERY_TOPICS, undefined), (question, clinicalIndicators, topic) => {
      const problems = fields({ kind: 'yes-no', topic, question, clinicalIndicators });
      if (topic !== undefined && YES_NO_TOPICS.includes(topic)) expect(problems).toEqual([]);
      else expect(problems).toEqual(['kind']);
    }));
  });

  it('multiple choice needs two supported options; open-ended has none', () => {
    expect(fields({ kind: 'multiple-choice', question: 'Clarify?', clinicalIndicators: [], options: ['Type 1', 'Other', 'Clinically undetermined'] })).toEqual(['options']);
    expect(fields({ kind: 'multiple-choice', question: 'Clarify?', clinicalIndicators: [], options: ['Type 1', 'type 1 '] })).toEqual(['options']);
    expect(fields({ kind: 'open-ended', question: 'Clarify?', clinicalIndicators: [], options: ['Type 1'] })).toEqual(['options']);
    expect(fields({ kind: 'leading', question: 'Clarify?', clinicalIndicators: [] })).toEqual(['kind']);
  });

  it('never throws, whatever the input', () => {
    fc.assert(fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), fc.string(), fc.array(fc.string()), fc.option(fc.array(fc.string()), { nil: undefined }),
      (kind, topic, question, clinicalIndicators, options) => {
        expect(Array.isArray(queryProblems({ kind, topic, question, clinicalIndicators, options }))).toBe(true);
      }));
  });

  it('adds "other" and "clinically undetermined" to every choice, yes and no to yes/no', () => {
    expect(answerOptions('multiple-choice', ['A', 'B', 'other'])).toEqual(['A', 'B', 'Other (please specify)', 'Clinically undetermined']);
    expect(answerOptions('yes-no', [])).toEqual(['Yes', 'No', 'Other (please specify)', 'Clinically undetermined']);
    expect(answerOptions('open-ended', ['x'])).toEqual([]);
    expect(QUERY_KINDS).toEqual(['open-ended', 'multiple-choice', 'yes-no']);
  });

  it('names diagnoses by term or ICD-10-CM code, not ordinary words', () => {
    expect(namesDiagnosis('rule out sepsis')).toBe(true);
    expect(namesDiagnosis('code J18.9 applies')).toBe(true);
    expect(namesDiagnosis('the sodium values on day two')).toBe(false);
  });

  it('ages in whole days and is overdue only after the allowed days', () => {
    const created = '2026-11-01T10:00:00.000Z';
    expect(queryAgeing(created, '2026-11-08T09:59:59.000Z', 7)).toEqual({ daysOpen: 6, dueAt: '2026-11-08T10:00:00.000Z', overdue: false });
    expect(queryAgeing(created, '2026-11-08T10:00:01.000Z', 7)).toMatchObject({ daysOpen: 7, overdue: true });
  });
});
