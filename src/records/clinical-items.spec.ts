import { CHART_COLUMNS, ChartItemRow, ITEM_COLUMNS, ITEM_TYPES, itemFacts, ItemRow, toItemDto } from './clinical-items';

/** A whole row of a type with a distinct value in every column (note_type psychotherapy: its facts differ). */
function wholeRow(type: (typeof ITEM_TYPES)[number]): ItemRow {
  const row: Record<string, unknown> = {};
  ITEM_COLUMNS[type].split(', ').forEach((column, i) => {
    row[column] = column.endsWith('_id') || column === 'id' || column === 'version' || column === 'created_by' || column === 'signed_by' || column === 'value_num'
      ? i + 1
      : `${column}-${i}`;
  });
  if (type === 'notes') row.note_type = 'psychotherapy';
  return row as ItemRow;
}

describe('CHART_COLUMNS: a chart read reads what its answer shows and its rule needs', () => {
  it.each(ITEM_TYPES)('%s: the item as shown and its facts are the same from the chart columns as from the whole row', (type) => {
    const whole = wholeRow(type);
    const chart = Object.fromEntries(CHART_COLUMNS[type].split(', ').map((c) => [c, whole[c]])) as ChartItemRow;
    expect(toItemDto(type, chart, true)).toEqual(toItemDto(type, whole, true));
    expect(itemFacts(type, chart)).toEqual(itemFacts(type, whole));
    // Nothing left out that the answer shows: every value of the DTO is defined.
    expect(Object.values(toItemDto(type, chart, true)).every((v) => v !== undefined)).toBe(true);
    expect(CHART_COLUMNS[type].split(', ')).not.toContain('patient_id');
  });
});
