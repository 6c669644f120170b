from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.program_out import ProgramOut
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    at: datetime.datetime | None | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_at: None | str | Unset
    if isinstance(at, Unset):
        json_at = UNSET
    elif isinstance(at, datetime.datetime):
        json_at = at.isoformat()
    else:
        json_at = at
    params["at"] = json_at


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/program",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ProgramOut | None:
    if response.status_code == 200:
        response_200 = ProgramOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ProgramOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    at: datetime.datetime | None | Unset = UNSET,

) -> Response[Problem | ProgramOut]:
    """ Get Program

     Read the program now (settings, rules, tiers, campaigns, rewards, expiry, refund, version), or as it
    was in force at an instant.

    Args:
        at (datetime.datetime | None | Unset): The program as in force at this instant (ISO 8601
            with an offset; encode `+` as `%2B`)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProgramOut]
     """


    kwargs = _get_kwargs(
        at=at,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    at: datetime.datetime | None | Unset = UNSET,

) -> Problem | ProgramOut | None:
    """ Get Program

     Read the program now (settings, rules, tiers, campaigns, rewards, expiry, refund, version), or as it
    was in force at an instant.

    Args:
        at (datetime.datetime | None | Unset): The program as in force at this instant (ISO 8601
            with an offset; encode `+` as `%2B`)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProgramOut
     """


    return sync_detailed(
        client=client,
at=at,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    at: datetime.datetime | None | Unset = UNSET,

) -> Response[Problem | ProgramOut]:
    """ Get Program

     Read the program now (settings, rules, tiers, campaigns, rewards, expiry, refund, version), or as it
    was in force at an instant.

    Args:
        at (datetime.datetime | None | Unset): The program as in force at this instant (ISO 8601
            with an offset; encode `+` as `%2B`)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProgramOut]
     """


    kwargs = _get_kwargs(
        at=at,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    at: datetime.datetime | None | Unset = UNSET,

) -> Problem | ProgramOut | None:
    """ Get Program

     Read the program now (settings, rules, tiers, campaigns, rewards, expiry, refund, version), or as it
    was in force at an instant.

    Args:
        at (datetime.datetime | None | Unset): The program as in force at this instant (ISO 8601
            with an offset; encode `+` as `%2B`)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProgramOut
     """


    return (await asyncio_detailed(
        client=client,
at=at,

    )).parsed
