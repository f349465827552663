/**
 * ICD-10-CM chapters by code range (CDC/NCHS ICD-10-CM tabular list). A diagnosis's chapter is derived from its
 * code here, so reports can group by chapter without trusting what a client sent.
 */
const CHAPTERS: [string, string, string][] = [
  ['A00', 'B99', 'Certain infectious and parasitic diseases (A00-B99)'],
  ['C00', 'D49', 'Neoplasms (C00-D49)'],
  ['D50', 'D89', 'Diseases of the blood and blood-forming organs (D50-D89)'],
  ['E00', 'E89', 'Endocrine, nutritional and metabolic diseases (E00-E89)'],
  ['F01', 'F99', 'Mental, behavioral and neurodevelopmental disorders (F01-F99)'],
  ['G00', 'G99', 'Diseases of the nervous system (G00-G99)'],
  ['H00', 'H59', 'Diseases of the eye and adnexa (H00-H59)'],
  ['H60', 'H95', 'Diseases of the ear and mastoid process (H60-H95)'],
  ['I00', 'I99', 'Diseases of the circulatory system (I00-I99)'],
  ['J00', 'J99', 'Diseases of the respiratory system (J00-J99)'],
  ['K00', 'K95', 'Diseases of the digestive system (K00-K95)'],
  ['L00', 'L99', 'Diseases of the skin and subcutaneous tissue (L00-L99)'],
  ['M00', 'M99', 'Diseases of the musculoskeletal system and connective tissue (M00-M99)'],
  ['N00', 'N99', 'Diseases of the genitourinary system (N00-N99)'],
  ['O00', 'O9A', 'Pregnancy, childbirth and the puerperium (O00-O9A)'],
  ['P00', 'P96', 'Certain conditions originating in the perinatal period (P00-P96)'],
  ['Q00', 'Q99', 'Congenital malformations, deformations and chromosomal abnormalities (Q00-Q99)'],
  ['R00', 'R99', 'Symptoms, signs and abnormal clinical and laboratory findings (R00-R99)'],
  ['S00', 'T88', 'Injury, poisoning and certain other consequences of external causes (S00-T88)'],
  ['V00', 'Y99', 'External causes of morbidity (V00-Y99)'],
  ['Z00', 'Z99', 'Factors influencing health status and contact with health services (Z00-Z99)'],
  ['U00', 'U85', 'Codes for special purposes (U00-U85)'],
];

export function icd10Chapter(code: string): string {
  const category = code.slice(0, 3).toUpperCase();
  const hit = CHAPTERS.find(([from, to]) => category >= from && category <= to);
  return hit ? hit[2] : 'Unclassified';
}
