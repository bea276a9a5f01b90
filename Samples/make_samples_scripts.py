"""The scripted calls that make_samples.py renders.

Each builder gets the `Call` class and the synthesiser and places utterances in order:
`say(party, text, gap=s)` a turn `gap` s after the end of the previous turn (hand-over
gap or, for the same party, a pause), `bc(party, text)` a backchannel centred in the
current turn, `interrupt(party, text, after=s, overlap=s)` an interruption `after` s into
the current turn that cuts it off `overlap` s later. Texts carry no punctuation, so
espeak-ng makes no long pauses inside an utterance.
"""

A, C = "agent", "customer"


def clean(Call, synth):
    c = Call("call-clean", synth)
    c.notes = ("Clean call: low pink noise floor (-65 dBFS) on both channels, leakage both ways. "
               "Billing complaint with 2 agent interruptions, 1 customer interruption, "
               "1 dead air while the agent looks something up, backchannels both ways.")
    c.say(A, "thank you for calling northwind energy this is anna speaking how can I help you today", at=0.5)
    c.say(C, "hi I am calling about my last bill because it is much higher than it usually is", gap=0.4)
    c.bc(A, "uh huh")
    c.say(A, "I am sorry to hear that let me pull up your account", gap=0.6)
    c.say(A, "can I have your customer number please", gap=1.6)
    c.say(C, "yes it is four seven one two nine", gap=1.5)
    c.bc(A, "okay")
    c.say(A, "thank you I can see your account now", gap=0.35)
    c.say(A, "okay there was an estimated meter reading in march", gap=6.5)
    c.bc(C, "right")
    c.say(C, "so what does that mean for me because I really cannot pay this amount right now", gap=0.5)
    c.interrupt(A, "it means we will correct the bill with your actual reading straight away", after=1.6, overlap=0.9)
    c.say(A, "you will receive the corrected bill within five working days together with a letter", gap=1.3)
    c.interrupt(C, "sorry can I also change my payment date to the twenty fifth", after=2.2, overlap=0.8)
    c.say(A, "of course I have changed it for you", gap=0.5)
    c.bc(C, "okay")
    c.say(C, "is there also a cheaper tariff for people who work from home", gap=2.2)
    c.interrupt(A, "there is a saver tariff and I can email you the details today", after=1.4, overlap=1.0)
    c.say(C, "yes please do that thank you very much for your help", gap=0.5)
    c.bc(A, "right")
    c.say(A, "have a nice day", gap=0.3)
    return c


def noise30(Call, synth):
    c = Call("call-noise30", synth)
    c.noise = {A: ("snr", 30.0), C: ("snr", 30.0)}
    c.notes = "Pink noise at 30 dB SNR on both channels. Delivery query: gaps, a pause, backchannels."
    c.say(A, "good morning you are through to parcel express my name is tom how may I help", at=0.6)
    c.say(C, "hello my parcel was supposed to arrive yesterday and it still has not come", gap=0.5)
    c.bc(A, "okay")
    c.say(A, "let me check that for you what is the tracking number", gap=0.4)
    c.say(C, "it is p x seven seven three one", gap=1.3)
    c.say(A, "thank you the parcel is at your local depot and will be delivered tomorrow morning", gap=0.6)
    c.bc(C, "yes")
    c.say(A, "you will get a text message with a one hour time slot", gap=1.8)
    c.say(C, "that is fine thank you for checking", gap=0.45)
    return c


def noise20(Call, synth):
    c = Call("call-noise20", synth)
    c.noise = {A: ("snr", 20.0), C: ("snr", 20.0)}
    c.notes = "Pink noise at 20 dB SNR on both channels. Password reset: 1 customer interruption."
    c.say(A, "welcome to the help desk this is sara what can I do for you", at=0.5)
    c.say(C, "I have locked myself out of my account and I need a new password", gap=0.6)
    c.say(A, "no problem I will send a reset link to the email address we have on file for your account", gap=0.4)
    c.interrupt(C, "wait that email address is old I do not use it any more", after=2.4, overlap=0.85)
    c.say(A, "I see then I will need to verify your identity first", gap=0.5)
    c.bc(C, "mm hm")
    c.say(A, "can you tell me your date of birth", gap=1.4)
    c.say(C, "the third of june nineteen eighty two", gap=2.4)
    c.say(A, "thank you the link is on its way to your new address", gap=0.3)
    return c


def noise12(Call, synth):
    c = Call("call-noise12", synth)
    c.noise = {A: ("noisy", 12.0), C: ("noisy", 12.0)}
    c.notes = ("12 dB SNR on both channels: pink noise plus brown noise and 50 Hz mains hum "
               "(100, 150, 250 Hz harmonics). Insurance claim: 1 agent interruption, 1 dead air.")
    c.say(A, "claims department good afternoon this is mark speaking", at=0.5)
    c.say(C, "hello I want to report damage to my car after a storm last night", gap=0.45)
    c.bc(A, "okay")
    c.say(A, "I am sorry to hear that please give me your policy number", gap=0.5)
    c.say(C, "it is c l eight eight two zero four", gap=1.6)
    c.say(A, "one moment while I open your policy", gap=0.3)
    c.say(A, "thank you for waiting your policy covers storm damage", gap=7.0)
    c.say(C, "that is good news because the windscreen is broken and the roof has a big dent in it", gap=0.4)
    c.interrupt(A, "in that case please do not drive the car until it has been inspected", after=1.5, overlap=0.8)
    return c


def quiet_customer(Call, synth):
    c = Call("call-quiet-customer", synth, levels=(-8.0, -35.0))
    c.notes = ("Loud agent (-8 dBFS, peak-limited, no clipping) and quiet customer (-35 dBFS). "
               "The agent's leakage into the customer channel (-33 dBFS) is LOUDER than the customer's "
               "own speech: it is not customer speech. Low noise floor (-65 dBFS).")
    c.say(A, "hello this is the bank fraud team am I speaking to mister jones", at=0.5)
    c.say(C, "yes this is him", gap=0.5)
    c.say(A, "we noticed a card payment of four hundred pounds this morning and we want to check it with you", gap=0.4)
    c.bc(C, "okay")
    c.say(C, "no I did not make that payment", gap=1.3)
    c.say(A, "thank you I will block the card now and send you a new one", gap=0.35)
    c.bc(C, "right")
    c.say(C, "how long will the new card take", gap=0.7)
    c.say(A, "it should arrive within three to five days", gap=0.45)
    return c


def mulaw(Call, synth):
    c = Call("call-mulaw", synth, fmt="mulaw")
    c.noise = {A: ("snr", 25.0), C: ("snr", 25.0)}
    c.notes = "G.711 mu-law (8-bit) stereo, pink noise at 25 dB SNR. Booking change: gaps, a pause, backchannels."
    c.say(A, "city hotel reservations this is lena how can I help", at=0.5)
    c.say(C, "hi I have a booking for next friday and I would like to add one more night", gap=0.5)
    c.bc(A, "uh huh")
    c.say(A, "of course let me see if we have a room available", gap=0.6)
    c.say(A, "yes the same room is free on saturday as well", gap=2.0)
    c.say(C, "great what will the price be", gap=0.4)
    c.say(A, "the extra night is one hundred and twenty euros including breakfast", gap=0.5)
    c.bc(C, "okay")
    c.say(C, "perfect please book it", gap=1.4)
    c.say(A, "done you will receive a new confirmation by email", gap=0.3)
    return c


def hd48k(Call, synth):
    c = Call("call-48k", synth, rate_hz=48000)
    c.tail_s = 0.5
    c.notes = "48 kHz pcm16 stereo, kept short for size. Low noise floor (-65 dBFS)."
    c.say(A, "support desk how can I help", at=0.4)
    c.say(C, "my printer will not connect", gap=0.45)
    c.say(A, "let us restart it", gap=0.5)
    return c


def ring_eu(Call, synth):
    c = Call("call-ring-eu", synth)
    c.noise = {A: ("floor", -65.0), C: ("floor", -62.0)}
    c.notes = ("Ringback 425 Hz, 1 s on / 4 s off, at -20 dBFS on the customer (line) channel only; "
               "3 rings, the agent answers 0.8 s after the last burst ends.")
    answered = c.set_ring([425], [1.0, 4.0], rings=3, first_ring_s=0.5, answered=True)
    c.say(A, "good morning north bank customer care this is julia", at=answered + 0.8)
    c.say(C, "hello I would like to know my account balance please", gap=0.5)
    c.say(A, "of course can I have your account number", gap=0.4)
    return c


def ring_uk(Call, synth):
    c = Call("call-ring-uk", synth)
    c.noise = {A: ("snr", 30.0), C: ("snr", 30.0)}
    c.notes = ("UK ringback 400+450 Hz double ring (0.4 on, 0.2 off, 0.4 on, 2.0 off) at -20 dBFS "
               "on the customer channel only; 2 rings, answered 1.0 s after the last burst ends. "
               "Pink noise at 30 dB SNR.")
    answered = c.set_ring([400, 450], [0.4, 0.2, 0.4, 2.0], rings=2, first_ring_s=0.5, answered=True)
    c.say(A, "hello you are through to the booking line this is ben", at=answered + 1.0)
    c.say(C, "hi I need to cancel my table for tonight", gap=0.45)
    c.say(A, "no problem what name is the booking under", gap=0.4)
    return c


def ring_abandoned(Call, synth):
    c = Call("call-ring-abandoned", synth)
    c.tail_s = 12.0
    c.noise = {A: ("floor", -62.0), C: ("floor", -60.0)}
    c.notes = ("Ringback 425 Hz 1 s on / 4 s off on the customer channel, 5 rings, then 12 s "
               "without speech: the caller gave up (abandoned, answered false).")
    c.set_ring([425], [1.0, 4.0], rings=5, first_ring_s=0.5, answered=False)
    return c


def mono_agent(Call, synth):
    c = Call("call-mono-agent", synth, channels=1, layout="agent")
    c.noise = {A: ("snr", 30.0), C: ("floor", -65.0)}
    c.notes = ("Mono, headset microphone only (layout agent). The customer is heard only as "
               "earpiece bleed at -25 dB, 40 ms late (see leak_sources): that is NOT agent speech. "
               "Pink noise at 30 dB SNR.")
    c.say(A, "technical support this is olivia how can I help you", at=0.5)
    c.say(C, "my internet keeps dropping every few minutes", gap=0.5)
    c.bc(A, "okay")
    c.say(A, "I am sorry about that let me run a line test", gap=0.4)
    c.say(A, "the test shows a weak signal on your line", gap=2.4)
    c.say(C, "what can I do about it", gap=0.5)
    c.say(A, "please restart your router and then wait for two minutes", gap=0.4)
    c.bc(C, "right")
    c.say(A, "if that does not help I will book an engineer visit for you", gap=1.5)
    return c


CALLS = [
    ("call-clean", clean),
    ("call-noise30", noise30),
    ("call-noise20", noise20),
    ("call-noise12", noise12),
    ("call-quiet-customer", quiet_customer),
    ("call-mulaw", mulaw),
    ("call-48k", hd48k),
    ("call-ring-eu", ring_eu),
    ("call-ring-uk", ring_uk),
    ("call-ring-abandoned", ring_abandoned),
    ("call-mono-agent", mono_agent),
]
