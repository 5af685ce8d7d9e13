/**
 * Questions for `npm run test:models`, over the ten NTSB reports in tests/fixtures/ntsb. `expect` is a fact the
 * report states (used for the answered=<n> count, not asserted: a 270M model gets many wrong). `outside` marks a
 * question the documents cannot answer: it must be met with an abstention or no citation.
 */
export interface ModelQuestion {
  q: string;
  expect?: RegExp;
  outside?: boolean;
}

export const QUESTIONS: ModelQuestion[] = [
  { q: 'How old was the pilot of the Piper PA-22-150 that crashed near Tallahassee?', expect: /\b85\b/ },
  { q: 'What did the Piper PA-22-150 hit on final approach to the turf strip?', expect: /tree|wire/i },
  { q: 'How long was runway 04 at Wausau, and what covered it?', expect: /3,?078|snow|ice/i },
  { q: 'Where did the Reims F172 M accident happen?', expect: /Chevroux/i },
  { q: 'How many people were killed in the Cessna 172 accident near Boquete, Panama?', expect: /\b(3|three)\b/i },
  { q: 'What weather condition did the student pilot at Madill land in before losing control?', expect: /crosswind|wind/i },
  { q: 'What caught the right wing of the Piper PA-18-135 during takeoff near Seward?', expect: /alder|brush/i },
  { q: 'What did the tower controller tell the student pilot taxiing at Fullerton?', expect: /helicopter/i },
  { q: 'What did the pilot of the Fisher Aero Celebrity do when the airplane began to vibrate?', expect: /carburetor|magneto/i },
  { q: 'Why did the pilot of the Cessna 170B near Alton make a low pass over the lake?', expect: /friend/i },
  { q: 'Wie alt war der Pilot der Piper PA-22-150 bei Tallahassee?', expect: /\b85\b/ },
  { q: 'Who won the 2018 FIFA World Cup final?', outside: true },
  { q: 'What is the boiling point of mercury in degrees Celsius?', outside: true },
];

/** Wordings that count as "the documents do not say" (the prompt asks for this; small models vary it). */
export const ABSTAIN_RE =
  /not in (?:your|the) documents|(?:documents?|passages?|reports?) (?:do(?:es)? not|don't|doesn't) (?:contain|mention|say|include|state|provide)|no (?:information|mention)|not (?:mentioned|stated|provided|found)|cannot (?:find|answer)|can't (?:find|answer)|nicht in (?:Ihren|den) Dokumenten/i;
