"""Texts for make_calls.py: agent and customer lines, backchannels, colleague chat before the
ring, and babble paragraphs. No punctuation inside the party lines, so espeak-ng makes no long
pause inside an utterance (as in make_samples_scripts.py)."""

GREETINGS = [
    "thank you for calling northwind energy this is anna speaking how can I help you today",
    "good morning you are through to parcel express my name is tom how may I help",
    "welcome to the help desk this is sara what can I do for you",
    "claims department good afternoon this is mark speaking",
    "city hotel reservations this is lena how can I help",
    "hello you are through to the booking line this is ben",
    "good afternoon customer service this is maria how can I help you",
    "technical support this is olivia how can I help you",
    "hello and thank you for holding this is david from the billing team",
    "good morning north bank customer care this is julia",
]

AGENT_LINES = [
    "I am sorry to hear that let me pull up your account",
    "can I have your customer number please",
    "thank you I can see your account now",
    "okay there was an estimated meter reading in march",
    "it means we will correct the bill with your actual reading straight away",
    "you will receive the corrected bill within five working days together with a letter",
    "of course I have changed it for you",
    "there is a saver tariff and I can email you the details today",
    "let me check that for you what is the tracking number",
    "the parcel is at your local depot and will be delivered tomorrow morning",
    "you will get a text message with a one hour time slot",
    "no problem I will send a reset link to the email address we have on file for your account",
    "I see then I will need to verify your identity first",
    "can you tell me your date of birth",
    "thank you the link is on its way to your new address",
    "please give me your policy number",
    "one moment while I open your policy",
    "in that case please do not drive the car until it has been inspected",
    "we noticed a card payment of four hundred pounds this morning",
    "I will block the card now and send you a new one",
    "it should arrive within three to five days",
    "the extra night is one hundred and twenty euros including breakfast",
    "please restart your router and then wait for two minutes",
    "if that does not help I will book an engineer visit for you",
    "the test shows a weak signal on your line",
    "I can offer you a refund or a voucher whichever you prefer",
    "your contract runs until the end of september next year",
    "I have added a note to your file so my colleagues can see it",
    "is there anything else I can help you with today",
    "let me transfer you to the right department it will only take a moment",
    "the engineer can come on tuesday between eight and twelve",
    "I understand that this is frustrating and I will sort it out for you",
    "could you spell your surname for me please",
    "the payment went through on the third so it should show up soon",
    "you can also do this in the app under settings and then billing",
    "I will call you back tomorrow afternoon with an update",
]

CUSTOMER_LINES = [
    "hi I am calling about my last bill because it is much higher than it usually is",
    "yes it is four seven one two nine",
    "so what does that mean for me because I really cannot pay this amount right now",
    "sorry can I also change my payment date to the twenty fifth",
    "is there also a cheaper tariff for people who work from home",
    "yes please do that thank you very much for your help",
    "hello my parcel was supposed to arrive yesterday and it still has not come",
    "it is p x seven seven three one",
    "that is fine thank you for checking",
    "I have locked myself out of my account and I need a new password",
    "wait that email address is old I do not use it any more",
    "the third of june nineteen eighty two",
    "hello I want to report damage to my car after a storm last night",
    "it is c l eight eight two zero four",
    "that is good news because the windscreen is broken and the roof has a big dent in it",
    "no I did not make that payment",
    "how long will the new card take",
    "hi I have a booking for next friday and I would like to add one more night",
    "great what will the price be",
    "perfect please book it",
    "my internet keeps dropping every few minutes",
    "what can I do about it",
    "I have been waiting for over a week and nobody has called me back",
    "my name is peter van den berg with two e s in berg",
    "can you send me that in writing please because I want to keep a record",
    "I moved house last month and I think you still have my old address",
    "the app keeps telling me that my session has expired",
    "actually I would rather keep the old plan if that is possible",
    "I do not understand why I was charged twice for the same order",
    "could you tell me when the engineer will arrive exactly",
    "my daughter set this up for me and now I cannot find the password",
    "okay and how much would that cost me per month",
]

#: Longer lines for interrupters (they must go on at least 2 s after the cut).
INTERRUPT_LINES = [
    "sorry but that is not what I asked you I want to know why the amount went up so much",
    "wait a moment please can you repeat the last part because I did not get it",
    "hang on I already gave you that number earlier in the call when I first phoned",
    "just a second I think there is a mistake because I paid that invoice last month",
    "excuse me can I just say that I have been a customer for more than ten years",
    "let me stop you there because I can fix that for you right now on my screen",
    "sorry to cut in but I can see the payment here and it has already been refunded",
    "one moment please I need to check that with my manager before I promise anything",
]

BACKCHANNELS = ["okay", "uh huh", "right", "yes", "mm hm", "sure", "yeah", "I see", "ja", "oui", "si"]

#: The agent talking to a colleague before the phone rings (agent channel only).
COLLEAGUE_LINES = [
    "did you see the new schedule for next week",
    "I will take my break after this call",
    "can you pass me the headset charger please",
    "the system was really slow this morning",
    "are we still meeting at three o clock",
    "I think the printer is out of paper again",
]

#: Babble paragraphs (punctuation allowed: background voices pause as people do).
BABBLE_SENTENCES = [
    "Yes, I told him that already, but he never listens to me.",
    "We could go to the cinema on Saturday if the weather is bad.",
    "The meeting has been moved to Thursday afternoon, I think.",
    "Have you finished the report for the regional manager yet?",
    "My sister is flying in from Madrid next week with the kids.",
    "No, the other customer, the one from this morning, with the broken meter.",
    "I need another coffee before the next round of calls starts.",
    "They said the update would be installed over the weekend.",
    "Can you believe the traffic on the ring road this morning?",
    "Put it on the list and we will look at it on Monday.",
    "The new tariff sheet is on the shared drive, in the sales folder.",
    "He wants the numbers by five, so we have to hurry up a bit.",
    "Well, that is what happens when nobody reads the instructions.",
    "I am going to the canteen, does anybody want something?",
    "The football was terrible last night, they lost three to nothing.",
    "Could you check whether the order for Hamburg went out today?",
]
