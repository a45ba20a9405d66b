// The ConvNet language: networks in the notation of Jarrett et al. 2009 plus verbose layers,
// elementwise functions, parameterised blocks and a training block.
//
// Paper tokens such as 64F9x9CSG, PA10x10, Rabs, N5x5 and sizes such as 5x5 or 1x28x28 are all
// lexed as one WORD (so is a pooling stride with its rounding suffix, the 2c of PM3x3/2c) and decoded by the AST builder, so that letters like N, F, C, S, G never
// swallow the start of an ordinary identifier and diagnostics can point inside the word.
grammar ConvNet;

program : decl* EOF ;
layerEntry : layer EOF ;
exprEntry : expr EOF ;
valueEntry : value EOF ;

decl
    : NETWORK name=WORD '{' item* '}'                                   # networkDecl
    | FN name=WORD '(' params=paramList? ')' '=' body=expr              # fnDecl
    | DEFINE name=WORD '(' params=paramList? ')' '=' chain=stage        # defineDecl
    | SWEEP name=WORD '{' sweepItem* '}'                                # sweepDecl
    ;

// A sweep: a network body whose bare words may name variables, the variables' values, and
// settings (protocols, seeds, rows, columns, ...). 'vary (a, b) = (x, y) | (z, w)' varies a and b
// together (an explicit list); several 'vary' lines make a grid (every combination).
sweepItem
    : VARY names=varyNames '=' alternative ('|' alternative)*           # varyItem
    | key=WORD '=' value                                                # sweepSetting
    | item                                                              # sweepNetworkItem
    ;

varyNames : WORD | '(' WORD (',' WORD)* ')' ;

alternative : (label=STRING ':')? ('(' choice (',' choice)* ')' | choice) ;

// One value of a variable: a stage, or several stage lines in braces.
choice : '{' stage* '}' | stage ;

paramList : WORD (',' WORD)* ;

item
    : INPUT shape=WORD                                                  # inputItem
    | TRAIN '{' setting* '}'                                            # trainItem
    | stage                                                             # stageItem
    ;

stage : layer ('-' layer)* ;

layer
    : (label=WORD ':')? head=WORD '(' args=argList? ')'                 # callLayer
    | (label=WORD ':')? head=WORD count=signedNumber                    # countLayer
    | (label=WORD ':')? head=WORD '/' stride=(NUMBER | WORD)            # strideLayer
    | (label=WORD ':')? head=WORD                                       # wordLayer
    ;

setting : key=WORD '=' value ;

argList : arg (',' arg)* ;
arg : (name=WORD '=')? value ;

value
    : signedNumber                                                      # numberValue
    | STRING                                                            # stringValue
    | name=WORD '(' args=argList? ')'                                   # callValue
    | WORD '+' (WORD '+'?)*                                             # protocolValue
    | WORD ('-' (WORD | NUMBER))+                                       # dashedValue
    | WORD                                                              # wordValue
    | '[' (value (',' value)*)? ']'                                     # listValue
    ;

signedNumber : minus='-'? NUMBER ;

expr
    : '(' inner=expr ')'                                                # parenExpr
    | fn=WORD '(' (expr (',' expr)*)? ')'                               # callExpr
    | NUMBER                                                            # numberExpr
    | WORD                                                              # variableExpr
    | <assoc=right> left=expr '^' right=expr                            # powerExpr
    | '-' operand=expr                                                  # negateExpr
    | left=expr op=('*' | '/') right=expr                               # productExpr
    | left=expr op=('+' | '-') right=expr                               # sumExpr
    ;

NETWORK : 'network' ;
INPUT : 'input' ;
TRAIN : 'train' ;
FN : 'fn' ;
DEFINE : 'define' ;
SWEEP : 'sweep' ;
VARY : 'vary' ;

LBRACE : '{' ;
RBRACE : '}' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
COMMA : ',' ;
COLON : ':' ;
EQUALS : '=' ;
MINUS : '-' ;
PLUS : '+' ;
STAR : '*' ;
SLASH : '/' ;
CARET : '^' ;
PIPE : '|' ;

// Listed before WORD so that a plain integer is a NUMBER; longest match makes 64F9x9CSG a WORD.
NUMBER : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? | '.' DIGITS ([eE] [+-]? DIGITS)? ;
WORD : [0-9A-Za-z_]+ ;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;

COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t\r\n\f]+ -> skip ;

// Anything else becomes a token the parser never accepts, so it is reported with its position.
UNKNOWN_CHAR : . ;

fragment DIGITS : [0-9]+ ;
