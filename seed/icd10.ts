/**
 * Code lists shipped with the seed: real ICD-10-CM diagnosis codes, CPT and ICD-10-PCS procedure codes, LOINC
 * observation codes and the hospital's departments. Small on purpose: enough variety for reports grouped by
 * diagnosis chapter, department and sensitivity, small enough to read.
 *
 * CPT descriptions are short plain-language paraphrases (the official CPT descriptors are AMA copyright).
 */

export const DEPARTMENTS = [
  'Cardiology',
  'Internal Medicine',
  'Surgery',
  'Orthopedics',
  'Obstetrics',
  'Psychiatry',
  'Oncology',
  'Emergency Medicine',
  'Pediatrics',
  'Neurology',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** The sensitivity categories of the schema (clinical tables, column sensitivity_category). */
export type SensitivityCategory = 'substance-use' | 'behavioral-health' | 'hiv' | 'reproductive' | 'genetic' | 'psychotherapy';

/** The 22 chapters of ICD-10-CM, with the block of codes each covers. */
export const ICD10_CHAPTERS: { from: string; to: string; name: string }[] = [
  { from: 'A00', to: 'B99', name: 'Certain infectious and parasitic diseases (A00-B99)' },
  { from: 'C00', to: 'D49', name: 'Neoplasms (C00-D49)' },
  { from: 'D50', to: 'D89', name: 'Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism (D50-D89)' },
  { from: 'E00', to: 'E89', name: 'Endocrine, nutritional and metabolic diseases (E00-E89)' },
  { from: 'F01', to: 'F99', name: 'Mental, behavioral and neurodevelopmental disorders (F01-F99)' },
  { from: 'G00', to: 'G99', name: 'Diseases of the nervous system (G00-G99)' },
  { from: 'H00', to: 'H59', name: 'Diseases of the eye and adnexa (H00-H59)' },
  { from: 'H60', to: 'H95', name: 'Diseases of the ear and mastoid process (H60-H95)' },
  { from: 'I00', to: 'I99', name: 'Diseases of the circulatory system (I00-I99)' },
  { from: 'J00', to: 'J99', name: 'Diseases of the respiratory system (J00-J99)' },
  { from: 'K00', to: 'K95', name: 'Diseases of the digestive system (K00-K95)' },
  { from: 'L00', to: 'L99', name: 'Diseases of the skin and subcutaneous tissue (L00-L99)' },
  { from: 'M00', to: 'M99', name: 'Diseases of the musculoskeletal system and connective tissue (M00-M99)' },
  { from: 'N00', to: 'N99', name: 'Diseases of the genitourinary system (N00-N99)' },
  { from: 'O00', to: 'O9A', name: 'Pregnancy, childbirth and the puerperium (O00-O9A)' },
  { from: 'P00', to: 'P96', name: 'Certain conditions originating in the perinatal period (P00-P96)' },
  { from: 'Q00', to: 'Q99', name: 'Congenital malformations, deformations and chromosomal abnormalities (Q00-Q99)' },
  { from: 'R00', to: 'R99', name: 'Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified (R00-R99)' },
  { from: 'S00', to: 'T88', name: 'Injury, poisoning and certain other consequences of external causes (S00-T88)' },
  { from: 'U00', to: 'U85', name: 'Codes for special purposes (U00-U85)' },
  { from: 'V00', to: 'Y99', name: 'External causes of morbidity (V00-Y99)' },
  { from: 'Z00', to: 'Z99', name: 'Factors influencing health status and contact with health services (Z00-Z99)' },
];

/** The chapter a code belongs to, by its three-character category ('I21.4' -> circulatory). */
export function icd10Chapter(code: string): string {
  const category = code.slice(0, 3).toUpperCase();
  const chapter = ICD10_CHAPTERS.find((c) => category >= c.from && category <= c.to);
  if (!chapter) throw new Error(`no ICD-10-CM chapter for ${code}`);
  return chapter.name;
}

/**
 * The sensitivity rule for diagnosis codes: substance use disorders F10-F19 (42 CFR Part 2), other mental and
 * behavioral disorders (F codes), HIV disease and status (B20, Z21), pregnancy and reproductive care (O codes,
 * Z30-Z39). Everything else is normal.
 */
export function icd10Sensitivity(code: string): SensitivityCategory | null {
  const c = code.toUpperCase();
  if (/^F1\d/.test(c)) return 'substance-use';
  if (c.startsWith('F')) return 'behavioral-health';
  if (c.startsWith('B20') || c.startsWith('Z21')) return 'hiv';
  if (c.startsWith('O') || /^Z3\d/.test(c)) return 'reproductive';
  return null;
}

/** Where a diagnosis is usually the reason for the visit: I inpatient, O outpatient, E emergency. */
type Settings = string;

export interface Icd10Code {
  code: string;
  description: string;
  chapter: string;
  sensitivity: SensitivityCategory | null;
  /** The department that usually treats it (the encounter's department when it is the primary diagnosis). */
  department: Department;
  /** Encounter classes for which it is a typical primary diagnosis; '' = secondary only (e.g. external causes). */
  settings: Settings;
  /** A long-term condition a patient carries from visit to visit (comorbidity). */
  chronic: boolean;
  sex?: 'female' | 'male';
  minAge?: number;
  maxAge?: number;
}

type Extra = Partial<Pick<Icd10Code, 'department' | 'chronic' | 'sex' | 'minAge' | 'maxAge'>>;
type Row = [code: string, description: string, settings: Settings, extra?: Extra];

const C = { chronic: true } as const;
const FEMALE_CHILDBEARING: Extra = { sex: 'female', minAge: 15, maxAge: 49 };

const ROWS: Row[] = [
  // Certain infectious and parasitic diseases
  ['A09', 'Infectious gastroenteritis and colitis, unspecified', 'OE'],
  ['A04.72', 'Enterocolitis due to Clostridium difficile, not specified as recurrent', 'I'],
  ['A08.4', 'Viral intestinal infection, unspecified', 'E'],
  ['A41.9', 'Sepsis, unspecified organism', 'I'],
  ['A41.51', 'Sepsis due to Escherichia coli [E. coli]', 'I'],
  ['A49.02', 'Methicillin resistant Staphylococcus aureus infection, unspecified site', 'I'],
  ['B02.9', 'Zoster without complications', 'OE'],
  ['B18.2', 'Chronic viral hepatitis C', 'O', C],
  ['B20', 'Human immunodeficiency virus [HIV] disease', 'OI', { ...C, minAge: 15 }],
  ['B34.9', 'Viral infection, unspecified', 'OE'],
  ['B37.0', 'Candidal stomatitis', 'O'],
  // Neoplasms
  ['C18.9', 'Malignant neoplasm of colon, unspecified', 'OI', { ...C, minAge: 35 }],
  ['C34.90', 'Malignant neoplasm of unspecified part of unspecified bronchus or lung', 'OI', { ...C, minAge: 40 }],
  ['C34.11', 'Malignant neoplasm of upper lobe, right bronchus or lung', 'OI', { ...C, minAge: 40 }],
  ['C50.911', 'Malignant neoplasm of unspecified site of right female breast', 'OI', { ...C, sex: 'female', minAge: 30 }],
  ['C61', 'Malignant neoplasm of prostate', 'O', { ...C, sex: 'male', minAge: 45 }],
  ['C25.9', 'Malignant neoplasm of pancreas, unspecified', 'OI', { ...C, minAge: 45 }],
  ['C67.9', 'Malignant neoplasm of bladder, unspecified', 'O', { ...C, minAge: 45 }],
  ['C43.9', 'Malignant melanoma of skin, unspecified', 'O', { ...C, minAge: 25 }],
  ['C79.51', 'Secondary malignant neoplasm of bone', 'I', { minAge: 40 }],
  ['C83.30', 'Diffuse large B-cell lymphoma, unspecified site', 'OI', { ...C, minAge: 20 }],
  ['C91.10', 'Chronic lymphocytic leukemia of B-cell type not having achieved remission', 'O', { ...C, minAge: 50 }],
  ['D12.6', 'Benign neoplasm of colon, unspecified', 'O', { minAge: 40, department: 'Surgery' }],
  ['D25.9', 'Leiomyoma of uterus, unspecified', 'O', { sex: 'female', minAge: 25, department: 'Obstetrics' }],
  // Blood and immune mechanism
  ['D50.9', 'Iron deficiency anemia, unspecified', 'O', C],
  ['D63.1', 'Anemia in chronic kidney disease', '', { minAge: 40 }],
  ['D64.9', 'Anemia, unspecified', 'OI'],
  ['D68.51', 'Activated protein C resistance', 'O', C],
  ['D69.6', 'Thrombocytopenia, unspecified', 'I'],
  ['D70.9', 'Neutropenia, unspecified', 'I', { department: 'Oncology' }],
  // Endocrine, nutritional and metabolic
  ['E11.9', 'Type 2 diabetes mellitus without complications', 'O', { ...C, minAge: 25 }],
  ['E11.65', 'Type 2 diabetes mellitus with hyperglycemia', 'OE', { ...C, minAge: 25 }],
  ['E11.22', 'Type 2 diabetes mellitus with diabetic chronic kidney disease', 'O', { ...C, minAge: 35 }],
  ['E11.40', 'Type 2 diabetes mellitus with diabetic neuropathy, unspecified', 'O', { ...C, minAge: 35 }],
  ['E10.9', 'Type 1 diabetes mellitus without complications', 'O', C],
  ['E10.10', 'Type 1 diabetes mellitus with ketoacidosis without coma', 'IE'],
  ['E03.9', 'Hypothyroidism, unspecified', 'O', C],
  ['E05.90', 'Thyrotoxicosis, unspecified without thyrotoxic crisis or storm', 'O', C],
  ['E66.9', 'Obesity, unspecified', 'O', C],
  ['E66.01', 'Morbid (severe) obesity due to excess calories', 'O', { ...C, minAge: 18 }],
  ['E78.5', 'Hyperlipidemia, unspecified', 'O', { ...C, minAge: 30 }],
  ['E78.00', 'Pure hypercholesterolemia, unspecified', 'O', { ...C, minAge: 30 }],
  ['E86.0', 'Dehydration', 'EI'],
  ['E87.1', 'Hypo-osmolality and hyponatremia', 'I'],
  ['E87.6', 'Hypokalemia', 'I'],
  ['E55.9', 'Vitamin D deficiency, unspecified', 'O'],
  // Mental, behavioral and neurodevelopmental: substance use (F10-F19, 42 CFR Part 2)
  ['F10.10', 'Alcohol abuse, uncomplicated', 'O', { ...C, minAge: 16 }],
  ['F10.20', 'Alcohol dependence, uncomplicated', 'O', { ...C, minAge: 18 }],
  ['F10.239', 'Alcohol dependence with withdrawal, unspecified', 'IE', { minAge: 18 }],
  ['F11.20', 'Opioid dependence, uncomplicated', 'O', { ...C, minAge: 18 }],
  ['F11.23', 'Opioid dependence with withdrawal', 'IE', { minAge: 18 }],
  ['F12.10', 'Cannabis abuse, uncomplicated', 'O', { ...C, minAge: 14 }],
  ['F14.20', 'Cocaine dependence, uncomplicated', 'O', { ...C, minAge: 18 }],
  ['F15.10', 'Other stimulant abuse, uncomplicated', 'O', { ...C, minAge: 16 }],
  // Mental, behavioral and neurodevelopmental: other behavioral health
  ['F32.9', 'Major depressive disorder, single episode, unspecified', 'O', { ...C, minAge: 12 }],
  ['F32.1', 'Major depressive disorder, single episode, moderate', 'O', { ...C, minAge: 12 }],
  ['F33.1', 'Major depressive disorder, recurrent, moderate', 'OI', { ...C, minAge: 14 }],
  ['F31.9', 'Bipolar disorder, unspecified', 'OI', { ...C, minAge: 14 }],
  ['F20.9', 'Schizophrenia, unspecified', 'OI', { ...C, minAge: 16 }],
  ['F41.1', 'Generalized anxiety disorder', 'O', { ...C, minAge: 10 }],
  ['F41.9', 'Anxiety disorder, unspecified', 'OE', { ...C, minAge: 8 }],
  ['F42.2', 'Mixed obsessional thoughts and acts', 'O', { ...C, minAge: 10 }],
  ['F43.10', 'Post-traumatic stress disorder, unspecified', 'O', { ...C, minAge: 10 }],
  ['F43.21', 'Adjustment disorder with depressed mood', 'O', { minAge: 10 }],
  ['F84.0', 'Autistic disorder', 'O', { ...C, maxAge: 25 }],
  ['F90.0', 'Attention-deficit hyperactivity disorder, predominantly inattentive type', 'O', { ...C, minAge: 5, maxAge: 30 }],
  // Nervous system
  ['G40.909', 'Epilepsy, unspecified, not intractable, without status epilepticus', 'OE', C],
  ['G43.909', 'Migraine, unspecified, not intractable, without status migrainosus', 'OE', { ...C, minAge: 10 }],
  ['G43.009', 'Migraine without aura, not intractable, without status migrainosus', 'O', { ...C, minAge: 10 }],
  ['G20.A1', "Parkinson's disease without dyskinesia, without mention of fluctuations", 'O', { ...C, minAge: 50 }],
  ['G30.9', "Alzheimer's disease, unspecified", 'O', { ...C, minAge: 60 }],
  ['G45.9', 'Transient cerebral ischemic attack, unspecified', 'EI', { minAge: 40 }],
  ['G47.33', 'Obstructive sleep apnea (adult) (pediatric)', 'O', C],
  ['G56.01', 'Carpal tunnel syndrome, right upper limb', 'O', { minAge: 20, department: 'Orthopedics' }],
  ['G62.9', 'Polyneuropathy, unspecified', 'O', { ...C, minAge: 30 }],
  ['G89.29', 'Other chronic pain', 'O', { ...C, minAge: 18 }],
  // Eye and adnexa
  ['H10.9', 'Unspecified conjunctivitis', 'OE', { department: 'Internal Medicine' }],
  ['H25.9', 'Unspecified age-related cataract', 'O', { minAge: 50, department: 'Internal Medicine' }],
  ['H35.30', 'Unspecified macular degeneration', 'O', { minAge: 55, department: 'Internal Medicine' }],
  ['H40.9', 'Unspecified glaucoma', 'O', { ...C, minAge: 40, department: 'Internal Medicine' }],
  ['H52.4', 'Presbyopia', 'O', { minAge: 40, department: 'Internal Medicine' }],
  // Ear and mastoid process
  ['H61.20', 'Impacted cerumen, unspecified ear', 'O', { department: 'Internal Medicine' }],
  ['H66.90', 'Otitis media, unspecified, unspecified ear', 'OE', { maxAge: 17, department: 'Pediatrics' }],
  ['H81.10', 'Benign paroxysmal vertigo, unspecified ear', 'OE', { minAge: 30, department: 'Neurology' }],
  ['H91.90', 'Unspecified hearing loss, unspecified ear', 'O', { department: 'Internal Medicine' }],
  // Circulatory system
  ['I10', 'Essential (primary) hypertension', 'O', { ...C, minAge: 25 }],
  ['I11.0', 'Hypertensive heart disease with heart failure', 'OI', { ...C, minAge: 40 }],
  ['I20.9', 'Angina pectoris, unspecified', 'OE', { minAge: 35 }],
  ['I21.4', 'Non-ST elevation (NSTEMI) myocardial infarction', 'I', { minAge: 35 }],
  ['I21.09', 'ST elevation (STEMI) myocardial infarction involving other coronary artery of anterior wall', 'I', { minAge: 35 }],
  ['I25.10', 'Atherosclerotic heart disease of native coronary artery without angina pectoris', 'O', { ...C, minAge: 40 }],
  ['I26.99', 'Other pulmonary embolism without acute cor pulmonale', 'I', { minAge: 18, department: 'Internal Medicine' }],
  ['I35.0', 'Nonrheumatic aortic (valve) stenosis', 'O', { ...C, minAge: 55 }],
  ['I48.0', 'Paroxysmal atrial fibrillation', 'OE', { ...C, minAge: 40 }],
  ['I48.91', 'Unspecified atrial fibrillation', 'OI', { ...C, minAge: 40 }],
  ['I49.9', 'Cardiac arrhythmia, unspecified', 'E'],
  ['I50.9', 'Heart failure, unspecified', 'OI', { ...C, minAge: 40 }],
  ['I50.23', 'Acute on chronic systolic (congestive) heart failure', 'I', { minAge: 40 }],
  ['I50.33', 'Acute on chronic diastolic (congestive) heart failure', 'I', { minAge: 40 }],
  ['I63.9', 'Cerebral infarction, unspecified', 'I', { minAge: 40, department: 'Neurology' }],
  ['I70.0', 'Atherosclerosis of aorta', '', { minAge: 50 }],
  ['I82.401', 'Acute embolism and thrombosis of unspecified deep veins of right lower extremity', 'EI', { minAge: 18, department: 'Internal Medicine' }],
  ['I83.90', 'Asymptomatic varicose veins of unspecified lower extremity', 'O', { minAge: 30, department: 'Surgery' }],
  ['I95.9', 'Hypotension, unspecified', 'E'],
  // Respiratory system
  ['J01.90', 'Acute sinusitis, unspecified', 'O', { department: 'Internal Medicine' }],
  ['J02.9', 'Acute pharyngitis, unspecified', 'OE'],
  ['J06.9', 'Acute upper respiratory infection, unspecified', 'OE'],
  ['J11.1', 'Influenza due to unidentified influenza virus with other respiratory manifestations', 'OE'],
  ['J18.9', 'Pneumonia, unspecified organism', 'IE'],
  ['J20.9', 'Acute bronchitis, unspecified', 'OE'],
  ['J30.9', 'Allergic rhinitis, unspecified', 'O', C],
  ['J44.1', 'Chronic obstructive pulmonary disease with (acute) exacerbation', 'IE', { minAge: 40 }],
  ['J44.9', 'Chronic obstructive pulmonary disease, unspecified', 'O', { ...C, minAge: 40 }],
  ['J45.901', 'Unspecified asthma with (acute) exacerbation', 'E'],
  ['J45.909', 'Unspecified asthma, uncomplicated', 'O', C],
  ['J69.0', 'Pneumonitis due to inhalation of food and vomit', 'I', { minAge: 50 }],
  ['J90', 'Pleural effusion, not elsewhere classified', 'I', { minAge: 30 }],
  ['J96.01', 'Acute respiratory failure with hypoxia', 'I'],
  // Digestive system
  ['K21.9', 'Gastro-esophageal reflux disease without esophagitis', 'O', C],
  ['K29.70', 'Gastritis, unspecified, without bleeding', 'OE'],
  ['K35.80', 'Unspecified acute appendicitis', 'I', { department: 'Surgery' }],
  ['K40.90', 'Unilateral inguinal hernia, without obstruction or gangrene, not specified as recurrent', 'O', { department: 'Surgery' }],
  ['K52.9', 'Noninfective gastroenteritis and colitis, unspecified', 'OE'],
  ['K56.609', 'Unspecified intestinal obstruction, unspecified as to partial versus complete obstruction', 'I', { department: 'Surgery' }],
  ['K57.30', 'Diverticulosis of large intestine without perforation or abscess without bleeding', 'O', { minAge: 40 }],
  ['K57.32', 'Diverticulitis of large intestine without perforation or abscess without bleeding', 'IE', { minAge: 40 }],
  ['K59.00', 'Constipation, unspecified', 'OE'],
  ['K70.30', 'Alcoholic cirrhosis of liver without ascites', 'O', { ...C, minAge: 30 }],
  ['K74.60', 'Unspecified cirrhosis of liver', 'OI', { ...C, minAge: 30 }],
  ['K76.0', 'Fatty (change of) liver, not elsewhere classified', 'O', C],
  ['K80.20', 'Calculus of gallbladder without cholecystitis without obstruction', 'O', { minAge: 18, department: 'Surgery' }],
  ['K81.0', 'Acute cholecystitis', 'I', { minAge: 18, department: 'Surgery' }],
  ['K85.90', 'Acute pancreatitis without necrosis or infection, unspecified', 'I', { minAge: 18 }],
  ['K92.2', 'Gastrointestinal hemorrhage, unspecified', 'IE', { minAge: 18 }],
  // Skin and subcutaneous tissue
  ['L02.91', 'Cutaneous abscess, unspecified', 'OE', { department: 'Surgery' }],
  ['L03.115', 'Cellulitis of right lower limb', 'IE'],
  ['L03.90', 'Cellulitis, unspecified', 'OE'],
  ['L20.9', 'Atopic dermatitis, unspecified', 'O', C],
  ['L40.0', 'Psoriasis vulgaris', 'O', C],
  ['L70.0', 'Acne vulgaris', 'O', { minAge: 11, maxAge: 35 }],
  ['L89.154', 'Pressure ulcer of sacral region, stage 4', 'I', { minAge: 60 }],
  // Musculoskeletal system and connective tissue
  ['M06.9', 'Rheumatoid arthritis, unspecified', 'O', { ...C, minAge: 25, department: 'Internal Medicine' }],
  ['M10.9', 'Gout, unspecified', 'OE', { ...C, minAge: 30, department: 'Internal Medicine' }],
  ['M16.11', 'Unilateral primary osteoarthritis, right hip', 'OI', { ...C, minAge: 45 }],
  ['M17.0', 'Bilateral primary osteoarthritis of knee', 'O', { ...C, minAge: 45 }],
  ['M17.11', 'Unilateral primary osteoarthritis, right knee', 'OI', { ...C, minAge: 45 }],
  ['M25.561', 'Pain in right knee', 'OE'],
  ['M51.26', 'Other intervertebral disc displacement, lumbar region', 'O', { minAge: 25 }],
  ['M54.2', 'Cervicalgia', 'OE', { minAge: 16 }],
  ['M54.50', 'Low back pain, unspecified', 'OE', { minAge: 16 }],
  ['M62.81', 'Muscle weakness (generalized)', '', { minAge: 50 }],
  ['M75.101', 'Unspecified rotator cuff tear or rupture of right shoulder, not specified as traumatic', 'O', { minAge: 35 }],
  ['M79.7', 'Fibromyalgia', 'O', { ...C, minAge: 20, department: 'Internal Medicine' }],
  ['M81.0', 'Age-related osteoporosis without current pathological fracture', 'O', { ...C, minAge: 50 }],
  // Genitourinary system
  ['N10', 'Acute pyelonephritis', 'IE', { department: 'Internal Medicine' }],
  ['N17.9', 'Acute kidney failure, unspecified', 'I'],
  ['N18.30', 'Chronic kidney disease, stage 3 unspecified', 'O', { ...C, minAge: 40 }],
  ['N18.4', 'Chronic kidney disease, stage 4 (severe)', 'O', { ...C, minAge: 40 }],
  ['N18.6', 'End stage renal disease', 'OI', { ...C, minAge: 30 }],
  ['N20.0', 'Calculus of kidney', 'EO', { minAge: 18 }],
  ['N39.0', 'Urinary tract infection, site not specified', 'OE'],
  ['N40.0', 'Benign prostatic hyperplasia without lower urinary tract symptoms', 'O', { ...C, sex: 'male', minAge: 45 }],
  ['N92.0', 'Excessive and frequent menstruation with regular cycle', 'O', { ...FEMALE_CHILDBEARING, department: 'Obstetrics' }],
  ['N95.1', 'Menopausal and female climacteric states', 'O', { sex: 'female', minAge: 45, department: 'Obstetrics' }],
  // Pregnancy, childbirth and the puerperium
  ['O03.9', 'Complete or unspecified spontaneous abortion without complication', 'E', FEMALE_CHILDBEARING],
  ['O09.513', 'Supervision of elderly primigravida, third trimester', 'O', { ...FEMALE_CHILDBEARING, minAge: 35 }],
  ['O13.3', 'Gestational [pregnancy-induced] hypertension without significant proteinuria, third trimester', 'OI', FEMALE_CHILDBEARING],
  ['O14.13', 'Severe pre-eclampsia, third trimester', 'I', FEMALE_CHILDBEARING],
  ['O21.0', 'Mild hyperemesis gravidarum', 'OE', FEMALE_CHILDBEARING],
  ['O24.410', 'Gestational diabetes mellitus in pregnancy, diet controlled', 'O', FEMALE_CHILDBEARING],
  ['O34.211', 'Maternal care for low transverse scar from previous cesarean delivery', 'I', FEMALE_CHILDBEARING],
  ['O48.0', 'Post-term pregnancy', 'I', FEMALE_CHILDBEARING],
  ['O60.14X0', 'Preterm labor third trimester with preterm delivery third trimester, not applicable or unspecified', 'I', FEMALE_CHILDBEARING],
  ['O70.1', 'Second degree perineal laceration during delivery', '', FEMALE_CHILDBEARING],
  ['O80', 'Encounter for full-term uncomplicated delivery', 'I', FEMALE_CHILDBEARING],
  ['O99.013', 'Anemia complicating pregnancy, third trimester', 'O', FEMALE_CHILDBEARING],
  // Perinatal period
  ['P07.39', 'Preterm newborn, gestational age 36 completed weeks', 'I', { maxAge: 0 }],
  ['P22.1', 'Transient tachypnea of newborn', 'I', { maxAge: 0 }],
  ['P59.9', 'Neonatal jaundice, unspecified', 'OI', { maxAge: 0 }],
  // Congenital malformations
  ['Q21.0', 'Ventricular septal defect', 'O', { ...C, maxAge: 40, department: 'Cardiology' }],
  ['Q35.9', 'Cleft palate, unspecified', 'O', { ...C, maxAge: 10, department: 'Pediatrics' }],
  ['Q90.9', 'Down syndrome, unspecified', 'O', { ...C, department: 'Pediatrics' }],
  // Symptoms, signs and abnormal findings
  ['R05.9', 'Cough, unspecified', 'OE'],
  ['R06.02', 'Shortness of breath', 'E'],
  ['R07.89', 'Other chest pain', 'E'],
  ['R07.9', 'Chest pain, unspecified', 'EO'],
  ['R10.31', 'Right lower quadrant pain', 'E'],
  ['R10.9', 'Unspecified abdominal pain', 'EO'],
  ['R11.2', 'Nausea with vomiting, unspecified', 'E'],
  ['R31.9', 'Hematuria, unspecified', 'O'],
  ['R41.82', 'Altered mental status, unspecified', 'EI', { minAge: 50 }],
  ['R42', 'Dizziness and giddiness', 'EO'],
  ['R50.9', 'Fever, unspecified', 'E'],
  ['R51.9', 'Headache, unspecified', 'EO'],
  ['R53.83', 'Other fatigue', 'O'],
  ['R55', 'Syncope and collapse', 'EI'],
  ['R73.03', 'Prediabetes', 'O', { ...C, minAge: 18 }],
  // Injury, poisoning and other consequences of external causes
  ['S01.81XA', 'Laceration without foreign body of other part of head, initial encounter', 'E', { department: 'Surgery' }],
  ['S06.0X0A', 'Concussion without loss of consciousness, initial encounter', 'E', { department: 'Neurology' }],
  ['S22.31XA', 'Fracture of one rib, right side, initial encounter for closed fracture', 'E', { department: 'Surgery' }],
  ['S42.001A', 'Fracture of unspecified part of right clavicle, initial encounter for closed fracture', 'E'],
  ['S52.501A', 'Unspecified fracture of the lower end of right radius, initial encounter for closed fracture', 'E'],
  ['S72.001A', 'Fracture of unspecified part of neck of right femur, initial encounter for closed fracture', 'I', { minAge: 55 }],
  ['S72.002A', 'Fracture of unspecified part of neck of left femur, initial encounter for closed fracture', 'I', { minAge: 55 }],
  ['S83.511A', 'Sprain of anterior cruciate ligament of right knee, initial encounter', 'EO', { minAge: 12, maxAge: 50 }],
  ['S93.401A', 'Sprain of unspecified ligament of right ankle, initial encounter', 'E'],
  ['T39.1X1A', 'Poisoning by 4-Aminophenol derivatives, accidental (unintentional), initial encounter', 'E', { department: 'Emergency Medicine' }],
  ['T40.2X1A', 'Poisoning by other opioids, accidental (unintentional), initial encounter', 'EI', { minAge: 14, department: 'Emergency Medicine' }],
  ['T78.40XA', 'Allergy, unspecified, initial encounter', 'E', { department: 'Emergency Medicine' }],
  ['T81.40XA', 'Infection following a procedure, unspecified, initial encounter', 'I', { department: 'Surgery' }],
  // Codes for special purposes
  ['U07.1', 'COVID-19', 'OEI'],
  // External causes of morbidity (secondary codes only)
  ['V43.52XA', 'Car driver injured in collision with other motor vehicle in traffic accident, initial encounter', '', { minAge: 16 }],
  ['W01.0XXA', 'Fall on same level from slipping, tripping and stumbling without subsequent striking against object, initial encounter', ''],
  ['W19.XXXA', 'Unspecified fall, initial encounter', ''],
  // Factors influencing health status and contact with health services
  ['Z00.00', 'Encounter for general adult medical examination without abnormal findings', 'O', { minAge: 18, department: 'Internal Medicine' }],
  ['Z00.129', 'Encounter for routine child health examination without abnormal findings', 'O', { maxAge: 17, department: 'Pediatrics' }],
  ['Z09', 'Encounter for follow-up examination after completed treatment for conditions other than malignant neoplasm', 'O'],
  ['Z12.11', 'Encounter for screening for malignant neoplasm of colon', 'O', { minAge: 45, department: 'Surgery' }],
  ['Z12.31', 'Encounter for screening mammogram for malignant neoplasm of breast', 'O', { sex: 'female', minAge: 40, department: 'Internal Medicine' }],
  ['Z21', 'Asymptomatic human immunodeficiency virus [HIV] infection status', 'O', { ...C, minAge: 15 }],
  ['Z23', 'Encounter for immunization', 'O'],
  ['Z30.011', 'Encounter for initial prescription of contraceptive pills', 'O', FEMALE_CHILDBEARING],
  ['Z30.430', 'Encounter for insertion of intrauterine contraceptive device', 'O', FEMALE_CHILDBEARING],
  ['Z31.41', 'Encounter for fertility testing', 'O', { ...FEMALE_CHILDBEARING, minAge: 20 }],
  ['Z32.01', 'Encounter for pregnancy test, result positive', 'O', FEMALE_CHILDBEARING],
  ['Z33.1', 'Pregnant state, incidental', '', FEMALE_CHILDBEARING],
  ['Z34.00', 'Encounter for supervision of normal first pregnancy, unspecified trimester', 'O', FEMALE_CHILDBEARING],
  ['Z34.83', 'Encounter for supervision of other normal pregnancy, third trimester', 'O', FEMALE_CHILDBEARING],
  ['Z37.0', 'Single live birth', '', FEMALE_CHILDBEARING],
  ['Z39.2', 'Encounter for routine postpartum follow-up', 'O', FEMALE_CHILDBEARING],
  ['Z51.11', 'Encounter for antineoplastic chemotherapy', 'O', { minAge: 18, department: 'Oncology' }],
  ['Z79.01', 'Long term (current) use of anticoagulants', '', { minAge: 30 }],
  ['Z79.4', 'Long term (current) use of insulin', '', {}],
  ['Z86.73', 'Personal history of transient ischemic attack (TIA), and cerebral infarction without residual deficits', '', { minAge: 40 }],
  ['Z87.891', 'Personal history of nicotine dependence', '', { minAge: 25 }],
  ['Z95.1', 'Presence of aortocoronary bypass graft', '', { minAge: 45 }],
  ['Z96.651', 'Presence of right artificial knee joint', '', { minAge: 50 }],
  ['Z99.2', 'Dependence on renal dialysis', '', { minAge: 30 }],
];

/** The department that treats a chapter when the code names none. */
function chapterDepartment(code: string): Department {
  const l = code[0];
  const n = Number(code.slice(1, 3));
  if (l === 'I') return 'Cardiology';
  if (l === 'C' || (l === 'D' && n < 50)) return 'Oncology';
  if (l === 'F') return 'Psychiatry';
  if (l === 'G') return 'Neurology';
  if (l === 'O' || /^Z3\d/.test(code)) return 'Obstetrics';
  if (l === 'M' || l === 'S') return 'Orthopedics';
  if (l === 'P' || l === 'Q') return 'Pediatrics';
  return 'Internal Medicine';
}

export const ICD10_CODES: Icd10Code[] = ROWS.map(([code, description, settings, extra = {}]) => ({
  code,
  description,
  chapter: icd10Chapter(code),
  sensitivity: icd10Sensitivity(code),
  department: extra.department ?? chapterDepartment(code),
  settings,
  chronic: extra.chronic ?? false,
  ...(extra.sex ? { sex: extra.sex } : {}),
  ...(extra.minAge !== undefined ? { minAge: extra.minAge } : {}),
  ...(extra.maxAge !== undefined ? { maxAge: extra.maxAge } : {}),
}));

export const ICD10_BY_CODE: ReadonlyMap<string, Icd10Code> = new Map(ICD10_CODES.map((c) => [c.code, c]));

export function icd10(code: string): Icd10Code {
  const found = ICD10_BY_CODE.get(code);
  if (!found) throw new Error(`unknown ICD-10-CM code in the seed list: ${code}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Procedures

export type CodeSystem = 'CPT' | 'ICD-10-PCS';

export interface ProcedureCode {
  system: CodeSystem;
  code: string;
  description: string;
  sensitivity: SensitivityCategory | null;
  /** Departments that perform it, and the encounter classes it is done in (I, O, E). */
  departments: Department[];
  settings: Settings;
}

type ProcRow = [CodeSystem, string, string, Department[], Settings, SensitivityCategory?];

const PROC_ROWS: ProcRow[] = [
  // CPT (short paraphrases of the descriptors)
  ['CPT', '99203', 'Office visit, new patient, low complexity', ['Internal Medicine', 'Neurology', 'Orthopedics', 'Surgery', 'Oncology', 'Cardiology'], 'O'],
  ['CPT', '99213', 'Office visit, established patient, low complexity', ['Internal Medicine', 'Pediatrics', 'Cardiology', 'Neurology', 'Orthopedics', 'Obstetrics'], 'O'],
  ['CPT', '99214', 'Office visit, established patient, moderate complexity', ['Internal Medicine', 'Cardiology', 'Oncology', 'Neurology', 'Pediatrics'], 'O'],
  ['CPT', '99223', 'Initial hospital inpatient care, high complexity', ['Internal Medicine', 'Cardiology', 'Neurology'], 'I'],
  ['CPT', '99284', 'Emergency department visit, moderate complexity', ['Emergency Medicine'], 'E'],
  ['CPT', '99285', 'Emergency department visit, high complexity', ['Emergency Medicine'], 'E'],
  ['CPT', '93000', 'Electrocardiogram, routine, with interpretation and report', ['Cardiology', 'Emergency Medicine', 'Internal Medicine'], 'OEI'],
  ['CPT', '71046', 'Radiologic examination, chest, 2 views', ['Emergency Medicine', 'Internal Medicine'], 'EI'],
  ['CPT', '70450', 'CT head or brain without contrast', ['Emergency Medicine', 'Neurology'], 'EI'],
  ['CPT', '74177', 'CT abdomen and pelvis with contrast', ['Emergency Medicine', 'Surgery'], 'EO'],
  ['CPT', '80053', 'Comprehensive metabolic panel', ['Internal Medicine', 'Emergency Medicine'], 'OE'],
  ['CPT', '85025', 'Complete blood count (CBC) with automated differential', ['Internal Medicine', 'Oncology', 'Emergency Medicine', 'Pediatrics'], 'OE'],
  ['CPT', '36415', 'Collection of venous blood by venipuncture', ['Internal Medicine', 'Pediatrics'], 'O'],
  ['CPT', '45378', 'Colonoscopy, diagnostic', ['Surgery'], 'O'],
  ['CPT', '43239', 'Upper GI endoscopy with biopsy', ['Surgery', 'Internal Medicine'], 'OI'],
  ['CPT', '27447', 'Total knee arthroplasty', ['Orthopedics'], 'I'],
  ['CPT', '29125', 'Application of short arm splint, static', ['Orthopedics', 'Emergency Medicine'], 'EO'],
  ['CPT', '12001', 'Simple repair of superficial wound, 2.5 cm or less', ['Emergency Medicine', 'Surgery'], 'E'],
  ['CPT', '47562', 'Laparoscopic cholecystectomy', ['Surgery'], 'I'],
  ['CPT', '44970', 'Laparoscopic appendectomy', ['Surgery'], 'I'],
  ['CPT', '33533', 'Coronary artery bypass, single arterial graft', ['Cardiology'], 'I'],
  ['CPT', '92928', 'Percutaneous coronary stent placement, single major coronary artery', ['Cardiology'], 'I'],
  ['CPT', '96413', 'Chemotherapy administration, intravenous infusion, up to 1 hour', ['Oncology'], 'OI'],
  ['CPT', '90471', 'Immunization administration, one vaccine', ['Pediatrics', 'Internal Medicine'], 'O'],
  ['CPT', '90686', 'Influenza virus vaccine, quadrivalent, preservative free, intramuscular', ['Pediatrics', 'Internal Medicine'], 'O'],
  ['CPT', '90834', 'Psychotherapy, 45 minutes with patient', ['Psychiatry'], 'O', 'behavioral-health'],
  ['CPT', '90837', 'Psychotherapy, 60 minutes with patient', ['Psychiatry'], 'O', 'behavioral-health'],
  ['CPT', '87389', 'HIV-1/HIV-2 antigen and antibody immunoassay', ['Internal Medicine'], 'O', 'hiv'],
  ['CPT', '81025', 'Urine pregnancy test, visual color comparison', ['Obstetrics'], 'OE', 'reproductive'],
  ['CPT', '76805', 'Ultrasound, pregnant uterus, after first trimester', ['Obstetrics'], 'O', 'reproductive'],
  ['CPT', '59400', 'Routine obstetric care including vaginal delivery', ['Obstetrics'], 'I', 'reproductive'],
  ['CPT', '59510', 'Routine obstetric care including cesarean delivery', ['Obstetrics'], 'I', 'reproductive'],
  // ICD-10-PCS (inpatient procedures)
  ['ICD-10-PCS', '0DTJ4ZZ', 'Resection of Appendix, Percutaneous Endoscopic Approach', ['Surgery'], 'I'],
  ['ICD-10-PCS', '0FT44ZZ', 'Resection of Gallbladder, Percutaneous Endoscopic Approach', ['Surgery'], 'I'],
  ['ICD-10-PCS', '0DJ08ZZ', 'Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening Endoscopic', ['Surgery', 'Internal Medicine'], 'I'],
  ['ICD-10-PCS', '0SRC0J9', 'Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open Approach', ['Orthopedics'], 'I'],
  ['ICD-10-PCS', '0SR90J9', 'Replacement of Right Hip Joint with Synthetic Substitute, Cemented, Open Approach', ['Orthopedics'], 'I'],
  ['ICD-10-PCS', '027034Z', 'Dilation of Coronary Artery, One Artery with Drug-eluting Intraluminal Device, Percutaneous Approach', ['Cardiology'], 'I'],
  ['ICD-10-PCS', '021009W', 'Bypass Coronary Artery, One Artery from Aorta with Autologous Venous Tissue, Open Approach', ['Cardiology'], 'I'],
  ['ICD-10-PCS', '02HV33Z', 'Insertion of Infusion Device into Superior Vena Cava, Percutaneous Approach', ['Internal Medicine', 'Oncology'], 'I'],
  ['ICD-10-PCS', '0BH17EZ', 'Insertion of Endotracheal Airway into Trachea, Via Natural or Artificial Opening', ['Emergency Medicine', 'Internal Medicine'], 'IE'],
  ['ICD-10-PCS', '5A1945Z', 'Respiratory Ventilation, 24-96 Consecutive Hours', ['Internal Medicine', 'Neurology'], 'I'],
  ['ICD-10-PCS', '5A1D70Z', 'Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per Day', ['Internal Medicine'], 'I'],
  ['ICD-10-PCS', '30233N1', 'Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, Percutaneous Approach', ['Internal Medicine', 'Oncology', 'Surgery'], 'I'],
  ['ICD-10-PCS', '0W9G3ZZ', 'Drainage of Peritoneal Cavity, Percutaneous Approach', ['Internal Medicine'], 'I'],
  ['ICD-10-PCS', 'GZB0ZZZ', 'Electroconvulsive Therapy, Unilateral-Single Seizure', ['Psychiatry'], 'I', 'behavioral-health'],
  ['ICD-10-PCS', 'HZ2ZZZZ', 'Detoxification Services for Substance Abuse Treatment', ['Psychiatry'], 'I', 'substance-use'],
  ['ICD-10-PCS', '10E0XZZ', 'Delivery of Products of Conception, External Approach', ['Obstetrics'], 'I', 'reproductive'],
  ['ICD-10-PCS', '10D00Z1', 'Extraction of Products of Conception, Low, Open Approach', ['Obstetrics'], 'I', 'reproductive'],
];

export const PROCEDURE_CODES: ProcedureCode[] = PROC_ROWS.map(([system, code, description, departments, settings, sensitivity]) => ({
  system,
  code,
  description,
  departments,
  settings,
  sensitivity: sensitivity ?? null,
}));

// ---------------------------------------------------------------------------------------------------------------
// Observations

export interface LoincCode {
  code: string;
  display: string;
  /** UCUM unit; null for a coded (text) result. */
  unit: string | null;
  /** Realistic range for generated values (a few fall outside the reference range, as in real charts). */
  min: number;
  max: number;
  decimals: number;
  /** Text results instead of a number (e.g. a qualitative pregnancy test). */
  textValues?: string[];
  sensitivity: SensitivityCategory | null;
}

type LoincRow = [code: string, display: string, unit: string | null, min: number, max: number, decimals: number, sensitivity?: SensitivityCategory, textValues?: string[]];

const LOINC_ROWS: LoincRow[] = [
  ['8867-4', 'Heart rate', '/min', 52, 118, 0],
  ['9279-1', 'Respiratory rate', '/min', 11, 26, 0],
  ['8480-6', 'Systolic blood pressure', 'mm[Hg]', 92, 178, 0],
  ['8462-4', 'Diastolic blood pressure', 'mm[Hg]', 54, 104, 0],
  ['8310-5', 'Body temperature', 'Cel', 36.0, 39.2, 1],
  ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry', '%', 87, 100, 0],
  ['2708-6', 'Oxygen saturation in Arterial blood', '%', 88, 100, 0],
  ['29463-7', 'Body weight', 'kg', 45, 135, 1],
  ['8302-2', 'Body height', 'cm', 150, 196, 0],
  ['39156-5', 'Body mass index (BMI) [Ratio]', 'kg/m2', 17.5, 42, 1],
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 68, 260, 0],
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 4.8, 11.5, 1],
  ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 0.5, 2.8, 2],
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 8.5, 17.5, 1],
  ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*3/uL', 3.2, 17, 1],
  ['777-3', 'Platelets [#/volume] in Blood by Automated count', '10*3/uL', 120, 450, 0],
  ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 128, 149, 0],
  ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 3.1, 5.6, 1],
  ['20447-9', 'HIV 1 RNA [#/volume] (viral load) in Serum or Plasma by NAA with probe detection', '{copies}/mL', 20, 200000, 0, 'hiv'],
  ['2106-3', 'Choriogonadotropin (pregnancy test) [Presence] in Urine', null, 0, 0, 0, 'reproductive', ['Positive', 'Negative']],
];

export const LOINC_CODES: LoincCode[] = LOINC_ROWS.map(([code, display, unit, min, max, decimals, sensitivity, textValues]) => ({
  code,
  display,
  unit,
  min,
  max,
  decimals,
  sensitivity: sensitivity ?? null,
  ...(textValues ? { textValues } : {}),
}));

export const LOINC_BY_CODE: ReadonlyMap<string, LoincCode> = new Map(LOINC_CODES.map((c) => [c.code, c]));

export function loinc(code: string): LoincCode {
  const found = LOINC_BY_CODE.get(code);
  if (!found) throw new Error(`unknown LOINC code in the seed list: ${code}`);
  return found;
}
