/*
 * English word lists for telling what an utterance is about from how it is said. Other languages get no
 * list: every word counts as content there, and the score floors alone keep noise off the desktop.
 */

const words = (text: string): Set<string> => new Set(text.trim().split(/\s+/));

/** Words that hold a sentence together and say nothing about its topic. */
export const FUNCTION_WORDS = words(`
  a an the this that these those there here it its itself
  i me my mine myself we us our ours ourselves you your yours yourself yourselves
  he him his himself she her hers herself they them their theirs themselves one ones someone somebody
  anyone anybody everyone everybody something anything everything nothing somewhere anywhere
  what which who whom whose when where why how whatever whichever whoever
  am is are was were be been being do does did doing done have has had having
  can could shall should will would may might must ought
  i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll we'd they're they've
  they'll they'd that's there's here's what's who's where's how's let's
  can't cannot couldn't won't wouldn't shouldn't don't doesn't didn't isn't aren't wasn't weren't
  haven't hasn't hadn't mustn't mightn't ain't gonna wanna gotta
  and or but nor so yet if then than because though although while whether unless until since
  of to in on at by for with about against between into through during before after above below
  from up down out off over under again further once onto upon within without toward towards
  across along around behind beside besides beyond near past per via
  all any both each few more most other some such no not only own same too very just also even
  still already ever never always often sometimes else quite rather much many lot lots bit
  every anymore though ago last next
  now today tonight yesterday tomorrow soon later
  get gets got getting gotten go goes going went gone make makes made making take takes took taking
  put puts come comes came coming give gives gave given say says said saying tell tells told
  know knows knew known think thinks thought want wants wanted need needs needed like likes liked
  try tries tried trying let lets see sees saw seen look looks looked looking find found keep kept
  use used using seem seems seemed mean means meant grab
  thing things stuff way ways kind sort part
`);

/**
 * Greetings, thanks, back-channel, holding and repair: what people say to keep a call going, not to ask
 * for anything.
 */
export const CONVERSATIONAL_WORDS = words(`
  hi hello hey hiya howdy morning afternoon evening good bye goodbye cheers
  thanks thank thankyou ta appreciate appreciated grateful
  please pardon sorry excuse apologies apologize welcome
  yes yeah yep yup yea aye no nope nah ok okay okey alright right sure certainly absolutely exactly
  indeed definitely totally fine great perfect awesome cool nice lovely wonderful brilliant excellent
  fantastic amazing super gotcha understood understand see hmm hm mm mhm uh um uhm er erm ah oh ooh
  wow huh well anyway anyways actually basically literally really honestly probably maybe perhaps
  moment second sec minute hold hang wait waiting patience
  repeat again louder slower
  bit little
  help helping helped question questions problem problems issue issues
  mate buddy sir madam ma'am miss mister folks guys guy
  day everything correct helpful worries sounds ahead spell spelled glad pleasure meet
`);

/** Numbers said as words, and dates: details the agent asked for, not what the call is about. */
export const NUMBER_WORDS = words(`
  zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
  seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
  first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
  fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth
  january february march april june july august september october november december
  monday tuesday wednesday thursday friday saturday sunday
`);

/** Thanks and goodbyes: an utterance with one of these and no request in it closes or acknowledges. */
export const CLOSING_WORDS = words(`thanks thank thankyou cheers appreciate appreciated bye goodbye`);

/** Said of something that now works: with "now" or "all", an acknowledgement ("all good now"). */
export const RESOLVED_WORDS = words(`works working good fine great sorted fixed resolved perfect`);

/**
 * Words that say something is wanted or wrong: an utterance with one of them asks for something,
 * whatever else it says ("thanks, but it still doesn't work").
 */
export const REQUEST_WORDS = words(`
  need needs want wants wanna help how why what where which who
  not never nothing nobody can't cannot won't doesn't didn't isn't aren't wasn't weren't don't haven't hasn't
  couldn't wouldn't but still though however problem problems issue issues trouble wrong broken lost stolen
  missing stuck error failed fails failing declined refused rejected
`);

/** Openings that put the call on hold while the speaker does something ("let me check", "hang on"). */
export const HOLDING_OPENINGS = [
  'let me',
  'hold on',
  'hang on',
  'bear with',
  'give me a',
  'one moment',
  'one sec',
  'one second',
  'one minute',
  'just a moment',
  'just a sec',
  'just a second',
  'just a minute',
];

/** Repair: the line or the listener failed ("sorry, I didn't catch that", "you're breaking up"). */
export const REPAIR_PHRASES = [
  'say that again',
  'repeat that',
  'come again',
  "didn't catch",
  'did not catch',
  'missed that',
  'missed the last',
  'what was that',
  'breaking up',
  'cutting out',
  'cut out',
  'can you hear me',
  'hear me okay',
  'bad line',
  'line is bad',
];

/** Pleasantries asked of the agent ("how's your day going?"): questions that need no knowledge. */
export const PLEASANTRY_PHRASES = [
  'how are you',
  ...['day', 'morning', 'afternoon', 'evening', 'week', 'shift'].flatMap((time) => [
    `how's your ${time}`,
    `how is your ${time}`,
  ]),
  "how's it going",
  'how is it going',
  'how are things',
  'how have you been',
  "hope you're well",
  'hope you are well',
  'having a good day',
  'nice to meet you',
];
