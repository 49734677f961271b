// Data behind the display-name rules in names.ts. Edit freely; matching is
// case-insensitive and ignores punctuation, so write plain words.

/**
 * Terms that make a name misleading (political figures and places, fake officials).
 * Matched on whole words, so "Seattle Police" fails while "Policeman Bob" would not.
 * Flowroute rejects these at review ("Misleading CNAM"); Twilio rejects them as prohibited terms (11008).
 */
export const MISLEADING_TERMS: readonly string[] = [
  // Political figures and offices (full names where a surname is common: "Harris Plumbing" is fine)
  'Obama', 'Barack', 'Biden', 'Trump', 'Kamala Harris', 'Kamala', 'Hillary Clinton', 'Bill Clinton', 'Pelosi',
  'President', 'Vice President', 'Senator', 'Senate', 'Congress', 'Congressman', 'Congresswoman', 'Governor',
  // Political places
  'White House', 'Oval Office', 'Capitol', 'Pentagon', 'Kremlin', 'Downing Street',
  // Impersonation of officials and public services
  'Police', 'Sheriff', 'State Trooper', 'FBI', 'CIA', 'NSA', 'IRS', 'DEA', 'ATF', 'DHS', 'DOJ',
  // "Federal Way Dental" and "Food Court Cafe" are real businesses: only the official phrases count.
  'Government', 'Govt', 'Medicare', 'Medicaid', 'Social Security', '911', 'Federal Agent', 'Federal Bureau',
  'Federal Government', 'US Marshal', 'Superior Court', 'District Court', 'Supreme Court', 'Court Clerk', 'Attorney General', 'Homeland Security', 'Secret Service', 'Border Patrol',
];

/** The 50 US states plus the District of Columbia. */
export const US_STATES: readonly string[] = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware',
  'Florida', 'Georgia', 'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky',
  'Louisiana', 'Maine', 'Maryland', 'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi',
  'Missouri', 'Montana', 'Nebraska', 'Nevada', 'New Hampshire', 'New Jersey', 'New Mexico',
  'New York', 'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma', 'Oregon', 'Pennsylvania',
  'Rhode Island', 'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont',
  'Virginia', 'Washington', 'West Virginia', 'Wisconsin', 'Wyoming',
  'District of Columbia', 'Washington DC', 'DC',
];

/** About the 100 most populous US cities (Census estimates), with common spelling variants. */
export const US_LARGEST_CITIES: readonly string[] = [
  'New York City', 'NYC', 'Los Angeles', 'Chicago', 'Houston', 'Phoenix', 'Philadelphia',
  'San Antonio', 'San Diego', 'Dallas', 'Jacksonville', 'Austin', 'Fort Worth', 'San Jose',
  'Columbus', 'Charlotte', 'Indianapolis', 'San Francisco', 'Seattle', 'Denver', 'Oklahoma City',
  'Nashville', 'El Paso', 'Las Vegas', 'Boston', 'Detroit', 'Portland', 'Louisville', 'Memphis',
  'Baltimore', 'Milwaukee', 'Albuquerque', 'Tucson', 'Fresno', 'Sacramento', 'Mesa', 'Kansas City',
  'Atlanta', 'Omaha', 'Colorado Springs', 'Raleigh', 'Long Beach', 'Virginia Beach', 'Miami',
  'Oakland', 'Minneapolis', 'Tulsa', 'Bakersfield', 'Wichita', 'Arlington', 'Aurora', 'Tampa',
  'New Orleans', 'Cleveland', 'Honolulu', 'Anaheim', 'Lexington', 'Stockton', 'Corpus Christi',
  'Henderson', 'Riverside', 'Newark', 'St Paul', 'Saint Paul', 'Santa Ana', 'Cincinnati', 'Irvine',
  'Orlando', 'Pittsburgh', 'St Louis', 'Saint Louis', 'Greensboro', 'Jersey City', 'Anchorage',
  'Lincoln', 'Plano', 'Durham', 'Buffalo', 'Chandler', 'Chula Vista', 'Toledo', 'Madison',
  'Gilbert', 'Reno', 'Fort Wayne', 'North Las Vegas', 'St Petersburg', 'Saint Petersburg',
  'Lubbock', 'Irving', 'Laredo', 'Winston-Salem', 'Chesapeake', 'Glendale', 'Garland',
  'Scottsdale', 'Norfolk', 'Boise', 'Fremont', 'Spokane', 'Santa Clarita', 'Baton Rouge',
  'Richmond', 'Hialeah', 'San Bernardino', 'Tacoma', 'Modesto', 'Huntsville', 'Des Moines',
  'Yonkers', 'Rochester', 'Moreno Valley', 'Fayetteville', 'Fontana',
];

/**
 * Real names that obscenity's English preset flags as profane (surnames and places).
 * Whitelisted terms only shield the exact spelling, so "Fag Co" is still caught.
 */
export const PROFANITY_ALLOWLIST: readonly string[] = ['fagan', 'cumming', 'penistone'];
